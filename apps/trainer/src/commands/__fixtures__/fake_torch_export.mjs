// Stands in for ../shared/bench/torch_unet.py --export-onnx in tests: writes a narrow U-Net of the
// small preset's shape (base 2: quick to time) as ONNX, and refuses to when OMP_WAIT_POLICY is
// set, which unet bench must not set for ONNX Runtime's reference.
import { writeFileSync } from 'node:fs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createUNet, presetConfig } from '@unet/model';
import { exportUNetToOnnx } from '@unet/onnx';
import { refuseOmpWaitPolicy } from './refuse_omp_wait_policy.mjs';

const argument = (name) => process.argv[process.argv.indexOf(name) + 1];
refuseOmpWaitPolicy('fake_torch_export');
await tf.setBackend('cpu');
const model = createUNet(presetConfig(argument('--preset'), { baseChannels: 2, seed: 5 }));
writeFileSync(argument('--export-onnx'), exportUNetToOnnx(model));
console.log(`wrote ${argument('--export-onnx')}`);
