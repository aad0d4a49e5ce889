import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { createUNet, presetConfig, type UNet } from '@unet/model';
import { createOptimizer, weightedCrossEntropy } from '@unet/train';
import { describeWithBackends, maxAbsoluteDifference } from '@unet/test-utils';
import { expect, it } from 'vitest';
// By the package's own name, so that this is the instance test-utils registered (its dist).
import { countDispatches, type DispatchCount, registerWebGPUKernels, unregisterWebGPUKernels } from '@unet/backend-webgpu';

interface Result {
  output: Float32Array;
  loss: number;
  gradients: Float32Array[];
}

// The U-Net's training-mode output and the gradients of a softmax cross-entropy, read back
// asynchronously (tfjs-backend-webgpu's dataSync needs OffscreenCanvas, which Node lacks).
async function run(backend: string, build: () => UNet, inputShape: [number, number, number, number]): Promise<Result> {
  tf.setBackend(backend);
  const model = build();
  const { output, value, gradients } = tf.tidy(() => {
    const input = tf.randomUniform(inputShape, 0, 1, 'float32', 5) as tf.Tensor4D;
    const output = model.apply(input, { training: true, seed: 9 });
    const labels = tf.oneHot(tf.randomUniform(output.shape.slice(0, 3) as [number, number, number], 0, 2, 'int32', 6) as tf.Tensor3D, 2);
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(input, { training: true, seed: 9 })) as tf.Scalar,
      model.trainableVariables,
    );
    return { output, value, gradients: model.trainableVariables.map((variable) => grads[variable.name]) };
  });
  const result = {
    output: (await output.data()) as Float32Array,
    loss: (await value.data())[0],
    gradients: (await Promise.all(gradients.map((gradient) => gradient.data()))) as Float32Array[],
  };
  tf.dispose([output, value, ...gradients]);
  model.dispose();
  return result;
}

// Relative to the largest magnitude of each tensor: the float32 sums of a GPU run in another
// order than the cpu backend's loops.
function worstRelativeDifference(actual: Result, expected: Result): { output: number; gradient: number } {
  const relative = (a: Float32Array, b: Float32Array) => maxAbsoluteDifference(a, b) / Math.max(1e-12, ...b.map(Math.abs));
  return {
    output: relative(actual.output, expected.output),
    gradient: Math.max(...expected.gradients.map((values, index) => relative(actual.gradients[index], values))),
  };
}

type Loss = (logits: tf.Tensor4D) => tf.Scalar;

function trainingStep(model: UNet, optimizer: tf.Optimizer, input: tf.Tensor4D, loss: Loss): void {
  tf.tidy(() => {
    optimizer.minimize(() => loss(model.apply(input, { training: true })), false, model.trainableVariables);
  });
}

describeWithBackends(
  'the U-Net on webgpu and on cpu',
  (backend) => {
    it('small preset, base 4 channels: the same training-mode output and gradients (relative 1e-4)', async () => {
      const build = () => createUNet(presetConfig('small', { seed: 3, baseChannels: 4 }));
      const cpu = await run('cpu', build, [2, 32, 32, 1]);
      const gpu = await run(backend, build, [2, 32, 32, 1]);
      const worst = worstRelativeDifference(gpu, cpu);
      if (process.env.UNET_REPORT_DIFFERENCES === '1') console.log(JSON.stringify(worst));
      expect(gpu.loss).toBeCloseTo(cpu.loss, 4);
      expect(worst.output).toBeLessThanOrEqual(1e-4);
      expect(worst.gradient).toBeLessThanOrEqual(1e-4);
    });

    // The cpu backend's convolution gradients are plain loops, and the paper net's smallest
    // input is 188 px: base 2 channels keeps this case to a minute on a shared machine.
    it('paper preset, base 2 channels: unpadded convolutions with bias, dropout, crops (relative 1e-4)', { timeout: 300_000 }, async () => {
      const build = () => createUNet(presetConfig('paper', { seed: 4, baseChannels: 2 }));
      const cpu = await run('cpu', build, [1, 188, 188, 1]);
      const gpu = await run(backend, build, [1, 188, 188, 1]);
      const worst = worstRelativeDifference(gpu, cpu);
      if (process.env.UNET_REPORT_DIFFERENCES === '1') console.log(JSON.stringify(worst));
      expect(worst.output).toBeLessThanOrEqual(1e-4);
      expect(worst.gradient).toBeLessThanOrEqual(1e-4);
    });

    it('a training step leaks no tensors; its dispatches are counted, with ours and with those of tfjs', async () => {
      tf.setBackend(backend);
      const model = createUNet(presetConfig('small', { seed: 5, baseChannels: 4 }));
      const optimizer = tf.train.adam(1e-3);
      const input = tf.randomUniform([1, 16, 16, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
      const classIds = tf.randomUniform([1, 16, 16], 0, 2, 'int32', 8) as tf.Tensor3D;
      const labels = tf.oneHot(classIds, 2);
      const weights = tf.randomUniform([1, 16, 16], 1, 10, 'float32', 9) as tf.Tensor3D;
      const plainLoss: Loss = (logits) => tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      // The step as fit runs it: @unet/train's loss with a weight map and its Adam (our kernels run both).
      const weightedLoss: Loss = (logits) => weightedCrossEntropy(logits, { labels: classIds, weights });
      const fitOptimizer = createOptimizer({ name: 'adam', learningRate: 1e-3 });
      trainingStep(model, fitOptimizer, input, weightedLoss);
      trainingStep(model, optimizer, input, plainLoss);
      const before = tf.memory().numTensors;
      const count = countDispatches(() => trainingStep(model, optimizer, input, plainLoss));
      trainingStep(model, optimizer, input, plainLoss);
      const weightedCount = countDispatches(() => trainingStep(model, fitOptimizer, input, weightedLoss));
      expect(tf.memory().numTensors).toBe(before);
      // The same steps on tfjs-backend-webgpu's own kernels (and tfjs-core's ops for the loss), for the record.
      unregisterWebGPUKernels();
      const tfjsCount = countDispatches(() => trainingStep(model, optimizer, input, plainLoss));
      const tfjsWeightedCount = countDispatches(() => trainingStep(model, fitOptimizer, input, weightedLoss));
      registerWebGPUKernels();
      if (process.env.UNET_REPORT_DISPATCHES === '1') {
        console.log(JSON.stringify({ ours: count, tfjs: tfjsCount }));
        console.log(JSON.stringify({ step: 'weightedCrossEntropy, createOptimizer adam', ours: weightedCount, tfjs: tfjsWeightedCount }));
      }
      expect(weightedCount.byProgram.map(([name]) => name)).toContain('CrossEntropyGradientProgram');
      expect(weightedCount.byProgram.map(([name]) => name)).toContain('AdamUpdateProgram');
      const programs = (counted: DispatchCount) => counted.byProgram.map(([name]) => name);
      expect(programs(count)).not.toContain('Conv2DDerFilterProgram');
      // Every convolution of the step, forward and backward, runs ours.
      expect(programs(count)).toContain('ConvolutionProgram');
      expect(programs(count)).not.toContain('Conv2DMMProgram');
      expect(programs(count)).not.toContain('Im2ColProgram');
      expect(programs(tfjsCount)).not.toContain('FilterGradientProgram');
      expect(programs(tfjsCount)).not.toContain('ConvolutionProgram');
      await model.trainableVariables[0].data();
      tf.dispose([input, labels, classIds, weights]);
      optimizer.dispose();
      fitOptimizer.dispose();
      model.dispose();
    });

    // Inference, as `unet bench --modes forward` and segmentation run it: every convolution one
    // product of ours (the small preset's with its batch norm, UnetConvolutionBatchNormRelu; the
    // paper's with its bias, FusedConv2D), each up-convolution with its skip one
    // UnetUpConvolutionConcat of ours; the output is cpu's.
    for (const preset of ['small', 'paper'] as const) {
      it(`a forward pass of the ${preset} preset runs ours and gives cpu's output (relative 1e-4); its dispatches are counted`, async () => {
        const size = preset === 'paper' ? 188 : 32;
        const inference = async (name: string) => {
          tf.setBackend(name);
          const model = createUNet(presetConfig(preset, { seed: 6, baseChannels: 2 }));
          const input = tf.randomUniform([1, size, size, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
          // Training-mode passes move batch norm's moving statistics off their start (0 and 1).
          for (let pass = 0; pass < 3; pass++) tf.tidy(() => model.apply(input, { training: true }));
          const output = model.apply(input, { training: false });
          const values = (await output.data()) as Float32Array;
          return { model, input, output, values };
        };
        const cpu = await inference('cpu');
        const gpu = await inference(backend);
        const forward = () => tf.dispose(gpu.model.apply(gpu.input, { training: false }));
        const count = countDispatches(forward);
        unregisterWebGPUKernels();
        const tfjsCount = countDispatches(forward);
        registerWebGPUKernels();
        if (process.env.UNET_REPORT_DISPATCHES === '1') console.log(JSON.stringify({ preset, ours: count, tfjs: tfjsCount }));
        const relative = maxAbsoluteDifference(gpu.values, cpu.values) / Math.max(1e-12, ...cpu.values.map(Math.abs));
        if (process.env.UNET_REPORT_DIFFERENCES === '1') console.log(JSON.stringify({ preset, inferenceOutput: relative }));
        expect(relative).toBeLessThanOrEqual(1e-4);
        // Depth 4: nine double convolutions (five down, four up), then the 1 x 1 output; K is
        // short enough at these sizes that none is split. Four up-convolutions.
        const programs = new Map(count.byProgram);
        expect(programs.get('ConvolutionProgram')).toBe(9 * 2 + 1);
        expect(programs.get('UpConvolutionConcatProgram')).toBe(4);
        expect(programs.has('Conv2DMMProgram')).toBe(false);
        expect(programs.has('ConcatProgram')).toBe(false);
        for (const run of [cpu, gpu]) {
          tf.dispose([run.input, run.output]);
          run.model.dispose();
        }
      });
    }
  },
  ['webgpu'],
);
