import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { createUNet, presetConfig } from '@unet/model';
import { frugalVariableGrads } from '@unet/core';
const native = await import('/work/main/packages/backend-native/dist/index.js');
await tf.setBackend(native.nativeBackendName);
const config = presetConfig('small', { seed: 1 });
const model = createUNet(config);
const input = tf.randomUniform([4, 256, 256, 1], -1, 1, 'float32', 2);
const labels = tf.tidy(() => tf.oneHot(tf.randomUniform([4, 256, 256], 0, 2, 'int32', 3), 2));
const optimizer = tf.train.adam(1e-3);
const step = () => { const { value, grads } = frugalVariableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.apply(input, { training: true })), model.trainableVariables); optimizer.applyGradients(model.trainableVariables.map((v) => ({ name: v.name, tensor: grads[v.name] }))); value.dataSync(); tf.dispose([value, ...Object.values(grads)]); };
step();
let t = performance.now(); step(); console.log('step ms', Math.round(performance.now() - t));
const info = await tf.profile(() => step());
const by = {}; for (const k of info.kernels) { const e = by[k.name] ?? (by[k.name] = { ms: 0, n: 0 }); e.ms += k.kernelTimeMs; e.n++; }
const total = Object.values(by).reduce((a, b) => a + b.ms, 0);
console.log('kernel total ms', Math.round(total));
console.log(Object.entries(by).sort((a, b) => b[1].ms - a[1].ms).slice(0, 16).map(([k, v]) => `${k} ${Math.round(v.ms)}ms x${v.n}`).join('\n'));
