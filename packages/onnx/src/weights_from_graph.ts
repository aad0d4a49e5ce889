import type { UNetConfig } from '@unet/model';
import type { GraphIndex } from './graph_index.js';
import type { OnnxTypes } from './onnx_proto.js';
import type { ConvolutionLayout, UNetGraphLayout } from './read_unet_graph.js';
import { readFloatTensor } from './tensor_proto.js';
import { convolutionKernelFromOnnx, upConvolutionKernelFromOnnx, type WeightArray } from './weight_layout.js';

/**
 * Our network's weights, by our names ('down0/conv1/kernel'), from a walked graph: kernels
 * transposed from ONNX's NCHW layout to ours, batch norm's four vectors as they are, and zero
 * biases where the graph has none on a layer that in our network always has one (the head, the
 * up-convolution): adding zero changes nothing, so the forward pass is the same.
 */
export function weightsFromGraph(index: GraphIndex, layout: UNetGraphLayout, config: UNetConfig): Map<string, WeightArray> {
  const weights = new Map<string, WeightArray>();
  const widths = Array.from({ length: config.depth + 1 }, (_, level) => config.baseChannels * 2 ** level);

  const read = (node: OnnxTypes.INodeProto, tensor: OnnxTypes.ITensorProto, expectedShape: number[], what: string): WeightArray => {
    const weight = readFloatTensor(tensor, `${index.source}: node '${node.name}'`);
    if (weight.shape.join() !== expectedShape.join()) {
      throw index.error(
        node,
        `has ${what} of shape [${weight.shape}]; a U-Net of base ${config.baseChannels}, depth ${config.depth}, ${config.inputChannels} input channels and ${config.classes} classes needs [${expectedShape}] there`,
      );
    }
    return weight;
  };
  const vector = (node: OnnxTypes.INodeProto, tensor: OnnxTypes.ITensorProto | undefined, length: number, what: string): WeightArray =>
    tensor === undefined ? { values: new Float32Array(length), shape: [length] } : read(node, tensor, [length], what);

  const convolution = (
    name: string,
    layer: ConvolutionLayout,
    inChannels: number,
    outChannels: number,
    kernelSize: number,
    withBias: boolean,
  ): void => {
    weights.set(
      `${name}/kernel`,
      convolutionKernelFromOnnx(read(layer.node, layer.kernel, [outChannels, inChannels, kernelSize, kernelSize], 'a kernel')),
    );
    if (withBias) weights.set(`${name}/bias`, vector(layer.node, layer.bias, outChannels, 'a bias'));
  };
  const doubleConvolution = (
    name: string,
    layers: [ConvolutionLayout, ConvolutionLayout],
    inChannels: number,
    outChannels: number,
  ): void => {
    for (const [position, layer] of layers.entries()) {
      convolution(`${name}/conv${position + 1}`, layer, position === 0 ? inChannels : outChannels, outChannels, 3, config.convolutionBias);
      const norm = layer.normalization;
      if (norm === undefined) continue;
      const prefix = `${name}/batch_norm${position + 1}`;
      weights.set(`${prefix}/gamma`, read(norm.node, norm.gamma, [outChannels], 'a scale'));
      weights.set(`${prefix}/beta`, read(norm.node, norm.beta, [outChannels], 'a bias'));
      weights.set(`${prefix}/moving_mean`, read(norm.node, norm.mean, [outChannels], 'a mean'));
      weights.set(`${prefix}/moving_variance`, read(norm.node, norm.variance, [outChannels], 'a variance'));
    }
  };

  for (const [level, layers] of layout.down.entries()) {
    doubleConvolution(`down${level}`, layers, level === 0 ? config.inputChannels : widths[level - 1], widths[level]);
  }
  for (const [step, up] of layout.up.entries()) {
    const level = config.depth - 1 - step;
    const name = `up${level}`;
    const upSampling = up.upSampling;
    if (upSampling.kind === 'transposed') {
      const kernel = read(upSampling.node, upSampling.kernel, [widths[level + 1], widths[level], 2, 2], 'a kernel');
      weights.set(`${name}/up_convolution/kernel`, upConvolutionKernelFromOnnx(kernel));
      weights.set(`${name}/up_convolution/bias`, vector(upSampling.node, upSampling.bias, widths[level], 'a bias'));
    } else {
      convolution(`${name}/up_projection`, upSampling.projection, widths[level + 1], widths[level], 1, true);
    }
    doubleConvolution(name, up.convolutions, 2 * widths[level], widths[level]);
  }
  convolution('head', layout.head, widths[0], config.classes, 1, true);
  return weights;
}
