import { describeNode, floatAttribute, type GraphIndex, intAttribute, intsAttribute, stringAttribute, tensorDims } from './graph_index.js';
import type { OnnxTypes } from './onnx_proto.js';

type Node = OnnxTypes.INodeProto;
type Tensor = OnnxTypes.ITensorProto;

/** Batch norm in inference form: y = gamma (x - mean) / sqrt(variance + epsilon) + beta. */
export interface NormalizationLayout {
  node: Node;
  gamma: Tensor;
  beta: Tensor;
  mean: Tensor;
  variance: Tensor;
  epsilon: number;
}

/** One stride-1 square convolution as the graph has it: ONNX weight [out, in, k, k]. */
export interface ConvolutionLayout {
  node: Node;
  kernel: Tensor;
  bias?: Tensor;
  /** 0 or 1 for 3x3 convolutions, pixels on every side. */
  pad: number;
  normalization?: NormalizationLayout;
}

export type UpSamplingLayout =
  | { kind: 'transposed'; node: Node; kernel: Tensor; bias?: Tensor }
  | { kind: 'bilinear'; node: Node; projection: ConvolutionLayout };

export interface UpLevelLayout {
  upSampling: UpSamplingLayout;
  /** The Slice nodes that crop the skip connection, and the rows cut before the window. */
  crop: { nodes: Node[]; before: [number, number]; after: [number | undefined, number | undefined] };
  concat: Node;
  convolutions: [ConvolutionLayout, ConvolutionLayout];
}

/** The U-Net that a graph holds, node by node: what config_from_graph and weights_from_graph read. */
export interface UNetGraphLayout {
  inputName: string;
  /** [batch, channels, height, width] where the graph states them. */
  inputShape: (number | undefined)[];
  /** Level 0 to depth, each two convolutions. */
  down: [ConvolutionLayout, ConvolutionLayout][];
  /** From the deepest level up. */
  up: UpLevelLayout[];
  head: ConvolutionLayout;
}

function checkUnitStrides(index: GraphIndex, node: Node): void {
  for (const [name, fallback] of [
    ['strides', 1],
    ['dilations', 1],
  ] as const) {
    const values = intsAttribute(node, name);
    if (values?.some((value) => value !== fallback)) {
      throw index.error(node, `has ${name} [${values}]; a U-Net's convolutions have ${name} 1`);
    }
  }
  const group = intAttribute(node, 'group');
  if (group !== undefined && group !== 1) throw index.error(node, `is a grouped convolution (group ${group}); a U-Net's are not`);
  const autoPad = stringAttribute(node, 'auto_pad');
  if (autoPad !== undefined && autoPad !== 'NOTSET' && autoPad !== '') {
    throw index.error(node, `pads by auto_pad ${autoPad}; only explicit pads can be mapped (PyTorch writes them)`);
  }
}

function storedWeight(index: GraphIndex, node: Node, position: number, what: string): Tensor | undefined {
  const name = node.input?.[position];
  if (!name) return undefined;
  const tensor = index.storedTensor(name);
  if (tensor === undefined) throw index.error(node, `computes its ${what} '${name}' in the graph; only stored weights can be mapped`);
  return tensor;
}

/** A Conv reading `x` with a k x k kernel, and the BatchNormalization after it if there is one. */
function readConvolution(
  index: GraphIndex,
  x: string,
  kernelSize: 1 | 3,
  expected: string,
  ignore: readonly string[] = [],
): { layout: ConvolutionLayout; output: string } {
  const node = index.nextNode(x, ['Conv'], expected, ignore);
  checkUnitStrides(index, node);
  const kernel = storedWeight(index, node, 1, 'kernel');
  if (kernel === undefined) throw index.error(node, 'has no kernel input');
  const dims = tensorDims(kernel);
  if (dims.length !== 4 || dims[2] !== kernelSize || dims[3] !== kernelSize) {
    throw index.error(node, `has a kernel of shape [${dims}]; ${expected} has [out, in, ${kernelSize}, ${kernelSize}]`);
  }
  const pads = intsAttribute(node, 'pads') ?? [0, 0, 0, 0];
  const pad = pads[0];
  const allowed = kernelSize === 3 ? [0, 1] : [0];
  if (pads.some((value) => value !== pad) || !allowed.includes(pad)) {
    throw index.error(node, `pads [${pads}]; a U-Net's ${kernelSize}x${kernelSize} convolutions pad ${allowed.join(' or ')} on every side`);
  }
  const layout: ConvolutionLayout = { node, kernel, bias: storedWeight(index, node, 2, 'bias'), pad };
  let output = node.output?.[0] ?? '';
  const readers = index.readersOf(output);
  const norm = readers.length === 1 && readers[0].opType === 'BatchNormalization' ? readers[0] : undefined;
  if (norm !== undefined) {
    if ((intAttribute(norm, 'training_mode') ?? 0) !== 0)
      throw index.error(norm, 'is in training mode; export the network in eval mode (model.eval())');
    const tensors = [1, 2, 3, 4].map((position) => storedWeight(index, norm, position, 'statistics'));
    if (tensors.some((tensor) => tensor === undefined)) throw index.error(norm, 'lacks one of scale, bias, mean and variance');
    const [gamma, beta, mean, variance] = tensors as Tensor[];
    layout.normalization = { node: norm, gamma, beta, mean, variance, epsilon: floatAttribute(norm, 'epsilon') ?? 1e-5 };
    output = norm.output?.[0] ?? '';
  }
  return { layout, output };
}

/** Two 3x3 convolutions, each with (batch norm and) ReLU: a U-Net level. */
function readDoubleConvolution(
  index: GraphIndex,
  x: string,
  where: string,
  ignore: readonly string[] = [],
): { layouts: [ConvolutionLayout, ConvolutionLayout]; output: string } {
  const layouts: ConvolutionLayout[] = [];
  let y = x;
  for (const ordinal of ['first', 'second']) {
    const { layout, output } = readConvolution(
      index,
      y,
      3,
      `a 3x3 Conv (the ${ordinal} convolution of ${where})`,
      layouts.length === 0 ? ignore : [],
    );
    const relu = index.nextNode(output, ['Relu'], `a Relu after ${describeNode(layout.normalization?.node ?? layout.node)} (${where})`);
    layouts.push(layout);
    y = relu.output?.[0] ?? '';
  }
  return { layouts: layouts as [ConvolutionLayout, ConvolutionLayout], output: y };
}

function checkPoolOf2(index: GraphIndex, node: Node): void {
  const kernel = intsAttribute(node, 'kernel_shape') ?? [];
  const strides = intsAttribute(node, 'strides') ?? [1, 1];
  const pads = intsAttribute(node, 'pads') ?? [0, 0, 0, 0];
  if (
    kernel.join() !== '2,2' ||
    strides.join() !== '2,2' ||
    pads.some((pad) => pad !== 0) ||
    (intAttribute(node, 'ceil_mode') ?? 0) !== 0
  ) {
    throw index.error(
      node,
      `pools with kernel [${kernel}], strides [${strides}], pads [${pads}]; a U-Net pools 2x2 with stride 2 and no padding`,
    );
  }
}

function readUpSampling(index: GraphIndex, x: string, level: number): { layout: UpSamplingLayout; output: string } {
  const expected = `a 2x2 ConvTranspose or a bilinear Resize (the way up to level ${level})`;
  const node = index.nextNode(x, ['ConvTranspose', 'Resize'], expected, ['MaxPool']);
  if (node.opType === 'ConvTranspose') {
    checkUnitStrides(index, { ...node, attribute: (node.attribute ?? []).filter((entry) => entry.name !== 'strides') });
    const kernel = storedWeight(index, node, 1, 'kernel');
    const dims = kernel === undefined ? [] : tensorDims(kernel);
    const strides = intsAttribute(node, 'strides') ?? [1, 1];
    const pads = intsAttribute(node, 'pads') ?? [0, 0, 0, 0];
    const outputPadding = intsAttribute(node, 'output_padding') ?? [0, 0];
    if (
      kernel === undefined ||
      dims.length !== 4 ||
      dims[2] !== 2 ||
      dims[3] !== 2 ||
      strides.join() !== '2,2' ||
      pads.some((pad) => pad !== 0) ||
      outputPadding.some((pad) => pad !== 0)
    ) {
      throw index.error(
        node,
        `has kernel [${dims}], strides [${strides}], pads [${pads}]; a U-Net's up-convolution is 2x2 with stride 2 and no padding`,
      );
    }
    return { layout: { kind: 'transposed', node, kernel, bias: storedWeight(index, node, 2, 'bias') }, output: node.output?.[0] ?? '' };
  }
  const mode = stringAttribute(node, 'mode') ?? 'nearest';
  const coordinates = stringAttribute(node, 'coordinate_transformation_mode') ?? 'half_pixel';
  if (mode !== 'linear' || !['half_pixel', 'pytorch_half_pixel'].includes(coordinates)) {
    throw index.error(
      node,
      `resizes by mode '${mode}' with '${coordinates}' coordinates; a U-Net's bilinear up-sampling is 'linear' with half-pixel centres (PyTorch's align_corners=False)`,
    );
  }
  if (node.input?.[3])
    throw index.error(node, 'resizes to sizes computed in the graph; export with scale_factor=2 so that the scales are constant');
  const scales = index.constantInput(node, 2, 'scales');
  if (scales === undefined || scales.join() !== '1,1,2,2') {
    throw index.error(node, `scales by [${scales ?? 'nothing'}]; a U-Net's bilinear up-sampling doubles height and width ([1, 1, 2, 2])`);
  }
  const { layout: projection, output } = readConvolution(
    index,
    node.output?.[0] ?? '',
    1,
    `a 1x1 Conv after the bilinear Resize ${describeNode(node)} (it halves the channels)`,
  );
  if (projection.normalization !== undefined)
    throw index.error(
      projection.normalization.node,
      'follows the up-sampling 1x1 convolution; our bilinear up-sampling has no batch norm there',
    );
  return { layout: { kind: 'bilinear', node, projection }, output };
}

/** Follows Slice nodes back from `x` to the tensor they crop; what they cut before and after on height and width. */
function readCrop(index: GraphIndex, x: string): { source: string; crop: UpLevelLayout['crop'] } {
  const nodes: Node[] = [];
  const before: [number, number] = [0, 0];
  const after: [number | undefined, number | undefined] = [0, 0];
  let current = index.resolve(x);
  for (let producer = index.producerOf(current); producer?.opType === 'Slice'; producer = index.producerOf(current)) {
    const starts = index.constantInput(producer, 1, 'starts') ?? [];
    const ends = index.constantInput(producer, 2, 'ends') ?? [];
    const axes = index.constantInput(producer, 3, 'axes') ?? starts.map((_, axis) => axis);
    const steps = index.constantInput(producer, 4, 'steps') ?? starts.map(() => 1);
    for (const [position, rawAxis] of axes.entries()) {
      const axis = rawAxis < 0 ? rawAxis + 4 : rawAxis;
      if (steps[position] !== 1) throw index.error(producer, `slices with step ${steps[position]}; a skip connection's crop has step 1`);
      const fullAxis = starts[position] === 0 && ends[position] >= 2 ** 31 - 1;
      if (axis < 2 && !fullAxis)
        throw index.error(producer, `slices axis ${axis} (batch or channels); a skip connection's crop cuts only height and width`);
      if (axis >= 2) {
        before[axis - 2] += starts[position];
        const end = ends[position];
        // A positive end depends on the input size, which a dynamic graph does not state.
        after[axis - 2] = end < 0 ? (after[axis - 2] ?? 0) - end : end >= 2 ** 31 - 1 ? after[axis - 2] : undefined;
      }
    }
    nodes.push(producer);
    current = index.resolve(producer.input?.[0] ?? '');
  }
  return { source: current, crop: { nodes, before, after } };
}

/**
 * Walks an ONNX graph from its input as a U-Net: levels of two 3x3 convolutions joined by 2x2
 * max pooling on the way down; up-sampling, crop and concatenation with the skip (skip first),
 * two 3x3 convolutions on the way up; a 1x1 head, whose output is the graph's (or feeds a
 * Softmax over the channels that is). The first node that does not fit is named in the error.
 */
export function readUNetGraph(index: GraphIndex): UNetGraphLayout {
  const inputs = index.dataInputs();
  if (inputs.length !== 1) {
    throw index.error(
      undefined,
      `the graph has ${inputs.length} inputs (${inputs.map((input) => input.name).join(', ') || 'none'}); a U-Net has one image input`,
    );
  }
  const inputName = inputs[0].name ?? '';
  const inputShape = (inputs[0].type?.tensorType?.shape?.dim ?? []).map((dim) =>
    dim.dimValue === undefined || dim.dimValue === null || dim.dimParam ? undefined : Number(dim.dimValue),
  );
  if (inputShape.length !== 0 && inputShape.length !== 4) {
    throw index.error(
      undefined,
      `input '${inputName}' has rank ${inputShape.length}; a U-Net takes images [batch, channels, height, width]`,
    );
  }
  const down: [ConvolutionLayout, ConvolutionLayout][] = [];
  const skips: string[] = [];
  let level = 0;
  let { layouts, output } = readDoubleConvolution(index, inputName, `level 0, reading the input '${inputName}'`);
  down.push(layouts);
  for (;;) {
    const readers = index.readersOf(output);
    const pool = readers.find((node) => node.opType === 'MaxPool');
    if (pool === undefined) break;
    checkPoolOf2(index, pool);
    skips.push(output);
    level++;
    ({ layouts, output } = readDoubleConvolution(index, pool.output?.[0] ?? '', `level ${level}, after ${describeNode(pool)}`));
    down.push(layouts);
  }
  if (level === 0) {
    throw index.error(
      index.readersOf(output)[0] ?? index.producerOf(output),
      'follows the first level where a 2x2 MaxPool was expected; a U-Net pools at least once',
    );
  }
  const up: UpLevelLayout[] = [];
  for (let upLevel = level - 1; upLevel >= 0; upLevel--) {
    const { layout: upSampling, output: upsampled } = readUpSampling(index, output, upLevel);
    const concat = index.nextNode(upsampled, ['Concat'], `a Concat of the level ${upLevel} skip connection and the up-sampled features`);
    const axis = intAttribute(concat, 'axis');
    const inputsOfConcat = (concat.input ?? []).map((name) => index.resolve(name));
    if ((axis !== 1 && axis !== -3) || inputsOfConcat.length !== 2 || inputsOfConcat[1] !== index.resolve(upsampled)) {
      throw index.error(
        concat,
        `concatenates [${concat.input}] along axis ${axis}; a U-Net concatenates the cropped skip and then the up-sampled features along the channels (axis 1)`,
      );
    }
    const { source, crop } = readCrop(index, inputsOfConcat[0]);
    if (source !== index.resolve(skips[upLevel])) {
      throw index.error(concat, `joins '${source}' where the skip connection of level ${upLevel} ('${skips[upLevel]}') was expected`);
    }
    const convolutions = readDoubleConvolution(
      index,
      concat.output?.[0] ?? '',
      `level ${upLevel} on the way up, after ${describeNode(concat)}`,
    );
    up.push({ upSampling, crop, concat, convolutions: convolutions.layouts });
    output = convolutions.output;
  }
  const { layout: head, output: logits } = readConvolution(index, output, 1, 'a 1x1 Conv (the head: one logit per class)');
  if (head.normalization !== undefined)
    throw index.error(head.normalization.node, 'follows the head; a U-Net ends with a plain 1x1 convolution');
  checkOutputs(index, logits);
  return { inputName, inputShape, down, up, head };
}

/** Each graph output must be the logits, or a softmax of them over the classes. */
function checkOutputs(index: GraphIndex, logits: string): void {
  const resolvedLogits = index.resolve(logits);
  for (const output of index.graph.output ?? []) {
    const name = index.resolve(output.name ?? '');
    if (name === resolvedLogits) continue;
    const producer = index.producerOf(name);
    const axis = producer === undefined ? undefined : (intAttribute(producer, 'axis') ?? -1);
    const readsLogits = index.resolve(producer?.input?.[0] ?? '') === resolvedLogits;
    const isSoftmax = producer?.opType === 'Softmax' && (axis === 1 || axis === -3);
    if (!readsLogits || !(isSoftmax || producer?.opType === 'Sigmoid')) {
      throw index.error(
        producer,
        `makes the graph output '${output.name}'; a U-Net's outputs are the head's logits, their Softmax over the channels (axis 1) or their Sigmoid`,
      );
    }
  }
}
