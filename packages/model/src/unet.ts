import * as tf from '@tensorflow/tfjs-core';
import { outputSize, validInputSize } from '@unet/core';
import { resolveUNetConfig, type UNetConfig } from './config.js';
import { UNetInputError, WeightMismatchError } from './errors.js';
import { BuildContext } from './layers/build_context.js';
import { DoubleConvolution } from './layers/double_convolution.js';
import { Down } from './layers/down.js';
import { OutputConvolution } from './layers/output_convolution.js';
import { Up } from './layers/up.js';
import type { UNetMetadata } from './metadata/model_metadata.js';
import { ParameterStore } from './parameters.js';

export interface ApplyOptions {
  /** Training mode: dropout on, batch norm on batch statistics (and its moving ones updated). */
  training?: boolean;
  /**
   * Seed of this call's dropout masks. A training loop passes one per step so that a resumed
   * run draws the same masks; without it, masks follow an internal per-network counter.
   */
  seed?: number;
}

/** One weight of the network, by the name it has in saved files. */
export interface NamedWeight {
  name: string;
  variable: tf.Variable;
  trainable: boolean;
}

/**
 * The U-Net (Ronneberger, Fischer, Brox 2015). Build it with `createUNet`.
 * Tensors are NHWC: [batch, height, width, channels].
 */
export class UNet {
  readonly config: UNetConfig;
  /** Saved with the model: class names, label mapping, measures, how it was trained. */
  metadata: UNetMetadata = {};
  private readonly store = new ParameterStore();
  private readonly inputConvolutions: DoubleConvolution;
  private readonly downs: Down[] = [];
  private readonly ups: Up[] = [];
  private readonly head: OutputConvolution;
  private dropoutCalls = 0;
  private disposed = false;

  constructor(config: UNetConfig) {
    this.config = config;
    const context = new BuildContext(this.store, config.seed);
    const widths = Array.from({ length: config.depth + 1 }, (_, level) => config.baseChannels * 2 ** level);
    this.inputConvolutions = new DoubleConvolution(context, 'down0', config.inputChannels, widths[0], config);
    for (let level = 1; level <= config.depth; level++) {
      this.downs.push(new Down(context, `down${level}`, widths[level - 1], widths[level], config));
    }
    for (let level = config.depth - 1; level >= 0; level--) {
      this.ups.push(new Up(context, `up${level}`, widths[level + 1], widths[level], config));
    }
    this.head = new OutputConvolution(context, 'head', widths[0], config.classes);
  }

  /**
   * Logits, [batch, outHeight, outWidth, classes], for images [batch, height, width, channels].
   * With 'valid' padding the output is smaller than the input (572 -> 388 for depth 4), and the
   * input's height and width must be valid sizes (see `validInputSize` in @unet/core).
   */
  apply(x: tf.Tensor4D, options: ApplyOptions = {}): tf.Tensor4D {
    this.checkNotDisposed();
    this.checkInput(x.shape);
    const training = options.training ?? false;
    const dropoutSeed = options.seed ?? this.config.seed * 1_000_003 + (training ? this.dropoutCalls++ : 0);
    return tf.tidy(() => {
      const dropoutLevels = new Set(this.config.dropout > 0 ? [this.config.depth - 1, this.config.depth] : []);
      const skips: tf.Tensor4D[] = [];
      // In inference each block runs in a scope of its own and each activation is let go once
      // its last reader has run: the one tidy alone kept every activation until the pass ended
      // (623 MiB of the paper forward pass's 704 at its end). Training keeps what its tape saved
      // anyway, and runs as before.
      const block = (run: () => tf.Tensor4D, consumed: tf.Tensor4D[]): tf.Tensor4D => {
        if (training) return run();
        const output = tf.tidy(run);
        for (const input of consumed) if (input !== x && input !== output && !skips.includes(input)) input.dispose();
        return output;
      };
      let features = x;
      for (let level = 0; level <= this.config.depth; level++) {
        const input = features;
        features = block(
          () => (level === 0 ? this.inputConvolutions.apply(input, training) : this.downs[level - 1].apply(input, training)),
          [input],
        );
        if (training && dropoutLevels.has(level)) {
          // +1: tfjs treats a seed of 0 as "no seed" and would draw a random mask.
          features = tf.dropout(features, this.config.dropout, undefined, dropoutSeed + level + 1) as tf.Tensor4D;
        }
        if (level < this.config.depth) skips.push(features);
      }
      for (const up of this.ups) {
        const input = features;
        const skip = skips.pop()!;
        features = block(() => up.apply(input, skip, training), [input, skip]);
      }
      const input = features;
      return block(() => this.head.apply(input), [input]);
    });
  }

  /** Class probabilities (softmax over the last axis) in inference mode. */
  predict(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.softmax(this.apply(x, { training: false })) as tf.Tensor4D);
  }

  /** [batch, outHeight, outWidth, classes] for an input of shape [batch, height, width, channels]. */
  outputShape(inputShape: readonly number[]): [number, number, number, number] {
    this.checkInput(inputShape);
    const [batch, height, width] = inputShape;
    const { depth, padding, classes } = this.config;
    return [batch, outputSize(height, depth, padding), outputSize(width, depth, padding), classes];
  }

  /** The variables an optimiser updates (batch norm's moving statistics are not among them). */
  get trainableVariables(): tf.Variable[] {
    return this.namedWeights()
      .filter((weight) => weight.trainable)
      .map((weight) => weight.variable);
  }

  /** Every weight, trainable or not, in network order, by its saved name ('down0/conv1/kernel'). */
  namedWeights(): NamedWeight[] {
    this.checkNotDisposed();
    return this.store.entries().map(([name, variable]) => ({ name, variable, trainable: variable.trainable }));
  }

  /** The number of trainable parameters (31,030,658 for the paper's network, 1 channel, 2 classes). */
  get parameterCount(): number {
    return this.trainableVariables.reduce((sum, variable) => sum + variable.size, 0);
  }

  /**
   * Replaces every weight. `weights` must hold each of the network's weights with its exact
   * shape; `source` (a file name) goes into the error message when one does not.
   */
  setWeights(weights: Record<string, tf.Tensor>, source = 'the given weights'): void {
    const expected = this.namedWeights();
    for (const { name, variable } of expected) {
      const tensor = weights[name];
      if (tensor === undefined) {
        throw new WeightMismatchError(
          `${source} has no weight '${name}' (shape [${variable.shape}]): it was saved from a different network; check the model's config`,
        );
      }
      if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
        throw new WeightMismatchError(
          `${source}: weight '${name}' has shape [${tensor.shape}] but this network needs [${variable.shape}]; check the model's config (channels, classes, base channels, depth)`,
        );
      }
      if (tensor.dtype !== variable.dtype) {
        throw new WeightMismatchError(`${source}: weight '${name}' is ${tensor.dtype} but this network needs ${variable.dtype}`);
      }
    }
    const known = new Set(expected.map((weight) => weight.name));
    const unknown = Object.keys(weights).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new WeightMismatchError(
        `${source} has weights this network does not: ${unknown.join(', ')}; it was saved from a different network; check the model's config`,
      );
    }
    for (const { name, variable } of expected) variable.assign(weights[name]);
  }

  dispose(): void {
    if (this.disposed) return;
    this.store.dispose();
    this.disposed = true;
  }

  private checkNotDisposed(): void {
    if (this.disposed) throw new Error('This U-Net has been disposed; create or load a new one');
  }

  private checkInput(shape: readonly number[]): void {
    if (shape.length !== 4) {
      throw new UNetInputError(`U-Net input must be [batch, height, width, channels], got shape [${shape}]`);
    }
    const [, height, width, channels] = shape;
    if (channels !== this.config.inputChannels) {
      throw new UNetInputError(
        `U-Net input has ${channels} channels but the network takes ${this.config.inputChannels}; convert the images (e.g. to gray) or build the network with inputChannels: ${channels}`,
      );
    }
    for (const size of [height, width]) {
      try {
        validInputSize(size, this.config.depth, this.config.padding);
      } catch (error) {
        throw new UNetInputError(`U-Net input shape [${shape}]: ${(error as Error).message}`);
      }
    }
  }
}

/** Builds a U-Net with freshly initialised weights; `config` fields default to the paper's. */
export function createUNet(config: Partial<UNetConfig> = {}): UNet {
  return new UNet(resolveUNetConfig(config));
}
