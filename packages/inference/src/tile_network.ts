import * as tf from '@tensorflow/tfjs-core';
import { type ConvolutionPadding, sumTensors } from '@unet/core';
import { UNet } from '@unet/model';
import { DIHEDRAL_TRANSFORMS, dihedralTransform, inverseDihedralTransform } from './dihedral.js';

/** What overlap-tile inference must know of a network to plan its tiles. */
export interface NetworkGeometry {
  /** Poolings: tile origins lie on a grid of 2^depth pixels. */
  depth: number;
  /** 'valid' (unpadded: the output is smaller than the input) or 'same'. */
  padding: ConvolutionPadding;
  inputChannels: number;
  /** Output channels: class probabilities (softmax), or one sigmoid channel. */
  classes: number;
}

/** The sizes of one batch of tiles. */
export interface TileBatchShape {
  tiles: number;
  inputHeight: number;
  inputWidth: number;
  /** The output tile to return: the network's output, cut to its centre where it is larger (a padded network). */
  outputHeight: number;
  outputWidth: number;
}

/**
 * A network that predicts tiles: a @unet/model U-Net on the tfjs backend in use
 * (tfjsTileNetwork), or another engine (ONNX Runtime) that runs the same network. segmentImage
 * plans, cuts, stitches and blends; the network only predicts.
 */
export interface TileNetwork {
  readonly geometry: NetworkGeometry;
  /**
   * Class probabilities of a batch of input tiles.
   *
   * @param input // [tiles, inputHeight, inputWidth, inputChannels]
   * @param tta average the predictions of the 8 flips and quarter turns of each tile
   * @returns // [tiles, outputHeight, outputWidth, classes]
   */
  predictTiles(input: Float32Array, shape: TileBatchShape, options: { tta: boolean }): Promise<Float32Array>;
}

/** The network as a TileNetwork: a U-Net runs on the current tfjs backend, an engine's network as it is. */
export function asTileNetwork(network: UNet | TileNetwork): TileNetwork {
  return network instanceof UNet ? tfjsTileNetwork(network) : network;
}

/** The tiles' predictions of a U-Net on the current tfjs backend, in tensors until the end. */
export function tfjsTileNetwork(model: UNet): TileNetwork {
  const { depth, padding, inputChannels, classes } = model.config;
  return {
    geometry: { depth, padding, inputChannels, classes },
    async predictTiles(input, shape, options) {
      const output = tf.tidy(() => {
        const x = tf.tensor4d(input, [shape.tiles, shape.inputHeight, shape.inputWidth, inputChannels]);
        const predicted = options.tta ? averageOverTransforms(model, x) : probabilities(model, x);
        // A padded network returns the whole input tile: keep the output tile inside its context.
        const extraRows = (predicted.shape[1] - shape.outputHeight) / 2;
        const extraColumns = (predicted.shape[2] - shape.outputWidth) / 2;
        return extraRows === 0 && extraColumns === 0
          ? predicted
          : tf.slice(predicted, [0, extraRows, extraColumns, 0], [-1, shape.outputHeight, shape.outputWidth, -1]);
      });
      const values = (await output.data()) as Float32Array;
      output.dispose();
      return values;
    },
  };
}

/** Softmax over the classes, or the sigmoid of a 1-class head // [batch, height, width, classes] */
function probabilities(model: UNet, x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const logits = model.apply(x, { training: false });
    return model.config.classes === 1 ? tf.sigmoid(logits) : tf.softmax(logits);
  });
}

/** The mean over the 8 dihedral transforms of the probabilities, each transformed back. */
function averageOverTransforms(model: UNet, x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const backTransformed = DIHEDRAL_TRANSFORMS.map((k) => inverseDihedralTransform(probabilities(model, dihedralTransform(x, k)), k));
    return tf.div(sumTensors(backTransformed), DIHEDRAL_TRANSFORMS.length) as tf.Tensor4D;
  });
}
