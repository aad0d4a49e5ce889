import type { TensorInfo } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { forwardConvolutionInfo } from './forward_convolution_info.js';

const info = (shape: number[]): TensorInfo => ({ dataId: {}, shape, dtype: 'float32' });

describe('forwardConvolutionInfo', () => {
  it('gives the output size of padded, unpadded and strided NHWC convolutions', () => {
    const x = info([2, 8, 8, 3]);
    const filter = info([3, 3, 3, 5]);
    const same = forwardConvolutionInfo(x, filter, { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1 });
    expect([same.batchSize, same.outHeight, same.outWidth, same.outChannels]).toEqual([2, 8, 8, 5]);
    const valid = forwardConvolutionInfo(x, filter, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 });
    expect([valid.outHeight, valid.outWidth, valid.inChannels]).toEqual([6, 6, 3]);
    const strided = forwardConvolutionInfo(x, filter, { strides: 2, pad: 'valid', dataFormat: 'NHWC', dilations: 1 });
    expect([strided.outHeight, strided.outWidth]).toEqual([3, 3]);
  });
});
