export { describeWithBackends, testBackends, type TestBackendName } from './describe_with_backends.ts';
export { expectTensorsClose, expectArraysClose, maxAbsoluteDifference } from './expect_tensors_close.ts';
export { sharedDatasetsRoot } from './shared_datasets.ts';
