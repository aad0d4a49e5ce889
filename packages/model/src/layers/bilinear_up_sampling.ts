import * as tf from '@tensorflow/tfjs-core';
import type { BuildContext } from './build_context.js';
import { ConvolutionLayer } from './convolution_layer.js';

/**
 * The alternative to the up-convolution: double height and width by bilinear interpolation
 * (half-pixel centres, as PyTorch's align_corners=False), then halve the channels with a 1x1
 * convolution, so that the rest of the level sees the same shapes as with the up-convolution.
 */
export class BilinearUpSampling {
  private readonly projection: ConvolutionLayer;

  constructor(context: BuildContext, name: string, inChannels: number, outChannels: number) {
    this.projection = new ConvolutionLayer(context, name, inChannels, outChannels, 1, 'valid', true);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return this.projection.apply(doubleBilinear(x));
  }
}

/**
 * Doubles height and width exactly as tf.image.resizeBilinear(x, [2h, 2w], false, true) does,
 * written with slices and sums. Why not resizeBilinear itself: tfjs's ResizeBilinearGrad
 * ignores halfPixelCenters, so its gradient is wrong for this mode (our finite-difference test
 * found the layers below it off by ~10%).
 */
export function doubleBilinear(x: tf.Tensor4D): tf.Tensor4D {
  return doubleAlongAxis(doubleAlongAxis(x, 1), 2);
}

// With half-pixel centres, output 2i samples input coordinate i - 1/4 and output 2i + 1
// samples i + 1/4, so they are 3/4 of pixel i and 1/4 of its neighbour before or after
// (the edge pixel itself at the border).
function doubleAlongAxis(x: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D {
  const size = x.shape[axis];
  const begin = (start: number): [number, number, number, number] => (axis === 1 ? [0, start, 0, 0] : [0, 0, start, 0]);
  const extent = (length: number): [number, number, number, number] => (axis === 1 ? [-1, length, -1, -1] : [-1, -1, length, -1]);
  const first = tf.slice(x, begin(0), extent(1));
  const last = tf.slice(x, begin(size - 1), extent(1));
  const previous = size > 1 ? tf.concat([first, tf.slice(x, begin(0), extent(size - 1))], axis) : first;
  const next = size > 1 ? tf.concat([tf.slice(x, begin(1), extent(size - 1)), last], axis) : last;
  const scaled = tf.mul(x, 0.75);
  const even = tf.add(scaled, tf.mul(previous, 0.25));
  const odd = tf.add(scaled, tf.mul(next, 0.25));
  // Interleave: [b, h, w, c] pairs stacked after `axis`, then merged into it.
  const stacked = tf.stack([even, odd], axis + 1);
  const shape = [...x.shape] as [number, number, number, number];
  shape[axis] = 2 * size;
  return tf.reshape(stacked, shape);
}
