export { describeWithBackends, testBackends, type TestBackendName } from './describe_with_backends.js';
export { expectTensorsClose, expectArraysClose, maxAbsoluteDifference } from './expect_tensors_close.js';
export { sharedDatasetsRoot } from './shared_datasets.js';
export { redisUnavailableReason, startRedisServer, type RedisServer } from './redis_server.js';
export { openDawn, vulkanDriver, vulkanEnvironment, type DawnGpu } from './webgpu_adapter.js';
export { crossEntropyCases, type CrossEntropyCase } from './cross_entropy_cases.js';
export { browserPort, chromiumAllowsPort } from './browser_port.js';
