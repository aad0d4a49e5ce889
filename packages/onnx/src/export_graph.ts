import type { UNet, UNetConfig } from '@unet/model';
import { OnnxExportError } from './errors.js';
import { metadataProps } from './metadata_props.js';
import { onnx, type OnnxTypes } from './onnx_proto.js';
import { skipCrops } from './skip_crop.js';
import { floatTensorProto, floatVectorProto, int64TensorProto } from './tensor_proto.js';
import { convolutionKernelToOnnx, upConvolutionKernelToOnnx, type WeightArray } from './weight_layout.js';

/**
 * The opset of exported graphs. 17 is the newest whose every op used here (Conv,
 * BatchNormalization, Relu, MaxPool, ConvTranspose, Resize, Slice, Concat, Softmax) ONNX Runtime
 * 1.30 runs on its CPU, CUDA and web providers, and the one PyTorch 2's exporter defaults to.
 */
export const exportOpset = 17;
/** ONNX IR version 8 goes with opset 17 (ONNX 1.12). */
const irVersion = 8;

/** Names of the exported graph's input and outputs. */
export const onnxInputName = 'image';
export const onnxLogitsName = 'logits';
export const onnxProbabilitiesName = 'probabilities';

/** Batch norm's epsilon in @unet/model (PyTorch's default). */
const batchNormEpsilon = 1e-5;

export interface ExportOptions {
  /** Saved in metadata_props with the config; defaults to the model's own metadata. */
  metadata?: Record<string, unknown>;
  /** producer_version in the file (the exporting package's version). */
  producerVersion?: string;
}

class GraphBuilder {
  readonly nodes: OnnxTypes.INodeProto[] = [];
  readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly weights: Map<string, WeightArray>;
  private counter = 0;

  constructor(model: UNet) {
    this.weights = new Map(
      model.namedWeights().map(({ name, variable }) => [name, { values: variable.dataSync() as Float32Array, shape: [...variable.shape] }]),
    );
  }

  weight(name: string, layout: (weight: WeightArray) => WeightArray = (weight) => weight): string {
    const weight = this.weights.get(name);
    if (weight === undefined) throw new OnnxExportError(`ONNX export: the model has no weight '${name}'; it does not match its own config`);
    this.initializers.push(floatTensorProto(name, layout(weight)));
    return name;
  }

  constant(prefix: string, tensor: (name: string) => OnnxTypes.ITensorProto): string {
    const name = `${prefix}/constant${this.counter++}`;
    this.initializers.push(tensor(name));
    return name;
  }

  node(opType: string, name: string, inputs: string[], attributes: OnnxTypes.IAttributeProto[] = []): string {
    const output = `${name}/output`;
    this.nodes.push({ opType, name, input: inputs, output: [output], attribute: attributes });
    return output;
  }
}

const { AttributeType } = onnx.AttributeProto;
const ints = (name: string, values: number[]): OnnxTypes.IAttributeProto => ({ name, type: AttributeType.INTS, ints: values });
const int = (name: string, value: number): OnnxTypes.IAttributeProto => ({ name, type: AttributeType.INT, i: value });
const float = (name: string, value: number): OnnxTypes.IAttributeProto => ({ name, type: AttributeType.FLOAT, f: value });
const string = (name: string, value: string): OnnxTypes.IAttributeProto => ({
  name,
  type: AttributeType.STRING,
  s: new TextEncoder().encode(value),
});

function convolution(graph: GraphBuilder, name: string, x: string, kernelSize: number, pad: number, withBias: boolean): string {
  const inputs = [x, graph.weight(`${name}/kernel`, convolutionKernelToOnnx)];
  if (withBias) inputs.push(graph.weight(`${name}/bias`));
  return graph.node('Conv', name, inputs, [
    ints('kernel_shape', [kernelSize, kernelSize]),
    ints('pads', [pad, pad, pad, pad]),
    ints('strides', [1, 1]),
    ints('dilations', [1, 1]),
    int('group', 1),
  ]);
}

/** Two 3x3 convolutions, each with (batch norm and) ReLU: layers/double_convolution.ts. */
function doubleConvolution(graph: GraphBuilder, name: string, x: string, config: UNetConfig): string {
  let y = x;
  for (const index of [1, 2]) {
    y = convolution(graph, `${name}/conv${index}`, y, 3, config.padding === 'same' ? 1 : 0, config.convolutionBias);
    if (config.normalization === 'batch') {
      const norm = `${name}/batch_norm${index}`;
      y = graph.node(
        'BatchNormalization',
        norm,
        [
          y,
          graph.weight(`${norm}/gamma`),
          graph.weight(`${norm}/beta`),
          graph.weight(`${norm}/moving_mean`),
          graph.weight(`${norm}/moving_variance`),
        ],
        [float('epsilon', batchNormEpsilon)],
      );
    }
    y = graph.node('Relu', `${name}/relu${index}`, [y]);
  }
  return y;
}

/** Doubling the resolution: the 2x2 up-convolution, or bilinear doubling and a 1x1 convolution. */
function upSampling(graph: GraphBuilder, name: string, x: string, config: UNetConfig): string {
  if (config.upSampling === 'transposed') {
    const up = `${name}/up_convolution`;
    return graph.node(
      'ConvTranspose',
      up,
      [x, graph.weight(`${up}/kernel`, upConvolutionKernelToOnnx), graph.weight(`${up}/bias`)],
      [ints('kernel_shape', [2, 2]), ints('strides', [2, 2]), int('group', 1)],
    );
  }
  // Half-pixel centres with the edge pixel repeated: doubleBilinear in layers/bilinear_up_sampling.ts.
  const scales = graph.constant(name, (constantName) => floatVectorProto(constantName, [1, 1, 2, 2]));
  const doubled = graph.node(
    'Resize',
    `${name}/resize`,
    [x, '', scales],
    [string('mode', 'linear'), string('coordinate_transformation_mode', 'half_pixel')],
  );
  return convolution(graph, `${name}/up_projection`, doubled, 1, 0, true);
}

/** The skip connection cut to the up-sampled size, as cropToMatch does (nothing when padded). */
function cropSkip(graph: GraphBuilder, name: string, skip: string, crop: { before: number; after: number }): string {
  if (crop.before === 0 && crop.after === 0) return skip;
  // A negative end counts from the end of the axis, so the crop holds for every input size.
  const starts = graph.constant(name, (constantName) => int64TensorProto(constantName, [crop.before, crop.before]));
  const ends = graph.constant(name, (constantName) => int64TensorProto(constantName, [-crop.after, -crop.after]));
  const axes = graph.constant(name, (constantName) => int64TensorProto(constantName, [2, 3]));
  return graph.node('Slice', `${name}/crop_skip`, [skip, starts, ends, axes]);
}

function valueInfo(name: string, channels: number, prefix: string): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'batch' }, { dimValue: channels }, { dimParam: `${prefix}height` }, { dimParam: `${prefix}width` }] },
      },
    },
  };
}

/**
 * The U-Net as an ONNX model (serialised ModelProto). Input `image` [batch, channels, height,
 * width] (NCHW, ONNX's layout; ours is NHWC), with batch, height and width symbolic; outputs
 * `logits` and `probabilities` (softmax over the classes; the sigmoid for one class) [batch, classes,
 * outHeight, outWidth].
 * Height and width take the sizes the network takes (`validInputSize` in @unet/core). Dropout is
 * left out: it is the identity at inference. Weights keep their names ('down0/conv1/kernel'),
 * transposed to ONNX's layout; batch norm is kept as BatchNormalization, not folded into the
 * convolutions, so that importing the file gives back the same weights bit for bit.
 */
export function exportUNetToOnnx(model: UNet, options: ExportOptions = {}): Uint8Array {
  const config = model.config;
  const graph = new GraphBuilder(model);
  const skips: string[] = [];
  let features = onnxInputName;
  for (let level = 0; level <= config.depth; level++) {
    if (level > 0) {
      features = graph.node('MaxPool', `down${level}/max_pool`, [features], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]);
    }
    features = doubleConvolution(graph, `down${level}`, features, config);
    if (level < config.depth) skips.push(features);
  }
  const crops = skipCrops(config);
  for (let level = config.depth - 1, step = 0; level >= 0; level--, step++) {
    const name = `up${level}`;
    const upsampled = upSampling(graph, name, features, config);
    const skip = cropSkip(graph, name, skips[level], crops[step]);
    // The skip first, as layers/up.ts concatenates.
    const joined = graph.node('Concat', `${name}/concat`, [skip, upsampled], [int('axis', 1)]);
    features = doubleConvolution(graph, name, joined, config);
  }
  const logits = convolution(graph, 'head', features, 1, 0, true);
  graph.nodes.push({ opType: 'Identity', name: 'logits', input: [logits], output: [onnxLogitsName] });
  // One class is a sigmoid's probability, as @unet/inference reads a 1-class head; softmax over one channel would be 1 everywhere.
  graph.nodes.push(
    config.classes === 1
      ? { opType: 'Sigmoid', name: 'sigmoid', input: [logits], output: [onnxProbabilitiesName] }
      : { opType: 'Softmax', name: 'softmax', input: [logits], output: [onnxProbabilitiesName], attribute: [int('axis', 1)] },
  );
  const metadata = options.metadata ?? model.metadata;
  const modelProto = onnx.ModelProto.create({
    irVersion,
    opsetImport: [{ domain: '', version: exportOpset }],
    producerName: 'unet-ts',
    producerVersion: options.producerVersion ?? '',
    docString:
      "U-Net (Ronneberger et al. 2015) exported by unet-ts. Input 'image': [batch, channels, height, width] float32, " +
      "scaled as the model was trained (see metadata_props). Outputs 'logits' and 'probabilities' (softmax over classes): " +
      '[batch, classes, outHeight, outWidth].',
    graph: {
      name: 'unet',
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(onnxInputName, config.inputChannels, '')],
      output: [valueInfo(onnxLogitsName, config.classes, 'out_'), valueInfo(onnxProbabilitiesName, config.classes, 'out_')],
    },
    metadataProps: metadataProps(config, metadata),
  });
  return onnx.ModelProto.encode(modelProto).finish();
}
