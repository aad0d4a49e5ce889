import { OnnxGraphError } from './errors.js';
import { int64ToNumber, onnx, type OnnxTypes } from './onnx_proto.js';
import { readNumbers } from './tensor_proto.js';

type Node = OnnxTypes.INodeProto;
type Tensor = OnnxTypes.ITensorProto;

/** Ops that are the identity at inference: a graph reads the same through them. */
const passThroughOps = new Set(['Identity', 'Dropout']);

/**
 * Lookups over one ONNX graph for the importer: who makes and who reads each tensor, the stored
 * tensors (initializers and Constant nodes), and the nodes' attributes. Identity and Dropout are
 * seen through: PyTorch's exporter routes shared weights through Identity, and an eval-mode
 * Dropout passes its input on.
 */
export class GraphIndex {
  private readonly stored = new Map<string, Tensor>();
  private readonly aliases = new Map<string, string>();
  private readonly producers = new Map<string, Node>();
  private readonly readers = new Map<string, Node[]>();

  constructor(
    readonly graph: OnnxTypes.IGraphProto,
    readonly source: string,
  ) {
    for (const tensor of graph.initializer ?? []) this.stored.set(tensor.name ?? '', tensor);
    for (const node of graph.node ?? []) {
      if (node.opType === 'Constant') {
        const value = node.attribute?.find((attribute) => attribute.name === 'value')?.t;
        if (value) this.stored.set(node.output?.[0] ?? '', { ...value, name: node.output?.[0] });
        continue;
      }
      if (passThroughOps.has(node.opType ?? '') && node.input?.[0]) {
        this.aliases.set(node.output?.[0] ?? '', node.input[0]);
        continue;
      }
      for (const output of node.output ?? []) this.producers.set(output, node);
    }
    for (const node of graph.node ?? []) {
      if (node.opType === 'Constant' || passThroughOps.has(node.opType ?? '')) continue;
      for (const input of node.input ?? []) {
        if (!input) continue;
        const name = this.resolve(input);
        const list = this.readers.get(name) ?? [];
        if (!list.includes(node)) list.push(node);
        this.readers.set(name, list);
      }
    }
  }

  /** The tensor that `name` stands for, through Identity and Dropout. */
  resolve(name: string): string {
    let current = name;
    for (let guard = 0; this.aliases.has(current) && guard < 10_000; guard++) current = this.aliases.get(current) ?? current;
    return current;
  }

  /** The stored tensor (initializer or Constant) behind `name`, if it is one. */
  storedTensor(name: string | null | undefined): Tensor | undefined {
    return name ? this.stored.get(this.resolve(name)) : undefined;
  }

  /** The nodes that read `name` (through Identity and Dropout). */
  readersOf(name: string): Node[] {
    return this.readers.get(this.resolve(name)) ?? [];
  }

  producerOf(name: string): Node | undefined {
    return this.producers.get(this.resolve(name));
  }

  /** The graph's inputs that are not stored weights (old exporters list initializers as inputs too). */
  dataInputs(): OnnxTypes.IValueInfoProto[] {
    return (this.graph.input ?? []).filter((input) => !this.stored.has(input.name ?? ''));
  }

  /** A GraphError whose message starts with the file and the node. */
  error(node: Node | undefined, why: string): OnnxGraphError {
    const where = node === undefined ? '' : ` node ${describeNode(node)}`;
    return new OnnxGraphError(`${this.source}:${where} ${why}`);
  }

  /**
   * The one reader of `tensor` whose op is in `ops`. None: an error that names the first reader
   * (the node that cannot be placed) and what was expected; more than one: an error naming them.
   */
  nextNode(tensor: string, ops: readonly string[], expected: string, ignore: readonly string[] = []): Node {
    const readers = this.readersOf(tensor);
    const matching = readers.filter((node) => ops.includes(node.opType ?? ''));
    if (matching.length === 1) return matching[0];
    if (matching.length > 1) {
      throw this.error(
        matching[1],
        `is one of ${matching.length} ${ops.join('/')} nodes reading '${tensor}' (${matching.map(describeNode).join(', ')}); a U-Net has one: ${expected}`,
      );
    }
    const other = readers.find((node) => !ignore.includes(node.opType ?? ''));
    if (other === undefined)
      throw this.error(this.producerOf(tensor), `makes '${tensor}', which nothing reads where ${expected} was expected`);
    throw this.error(other, `reads '${tensor}' where ${expected} was expected`);
  }

  /** The stored values of a node's constant input (Slice's starts, Resize's scales). */
  constantInput(node: Node, position: number, what: string): number[] | undefined {
    const name = node.input?.[position];
    if (!name) return undefined;
    const tensor = this.storedTensor(name);
    if (tensor === undefined)
      throw this.error(
        node,
        `computes its ${what} ('${name}') in the graph; only constant ${what} can be mapped (export with static crops and scales)`,
      );
    return readNumbers(tensor, `${this.source}: node ${describeNode(node)}`);
  }
}

export function describeNode(node: Node): string {
  return `'${node.name || node.output?.[0] || '?'}' (${node.opType})`;
}

function attribute(node: Node, name: string): OnnxTypes.IAttributeProto | undefined {
  return node.attribute?.find((entry) => entry.name === name);
}

export function intsAttribute(node: Node, name: string): number[] | undefined {
  const entry = attribute(node, name);
  return entry === undefined ? undefined : (entry.ints ?? []).map(int64ToNumber);
}

export function intAttribute(node: Node, name: string): number | undefined {
  const entry = attribute(node, name);
  return entry === undefined ? undefined : int64ToNumber(entry.i);
}

export function floatAttribute(node: Node, name: string): number | undefined {
  const entry = attribute(node, name);
  return entry === undefined ? undefined : (entry.f ?? 0);
}

export function stringAttribute(node: Node, name: string): string | undefined {
  const entry = attribute(node, name);
  return entry?.s === undefined || entry.s === null ? undefined : new TextDecoder().decode(entry.s);
}

export function tensorDims(tensor: Tensor): number[] {
  return (tensor.dims ?? []).map(int64ToNumber);
}

export const floatType = onnx.TensorProto.DataType.FLOAT;
