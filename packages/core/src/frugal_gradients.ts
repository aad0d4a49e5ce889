import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients of a scalar function with respect to variables, as `tf.variableGrads` computes them
 * (the same kernels in the same order, so the same numbers), but releasing memory as the
 * backward pass goes, as PyTorch does.
 *
 * tfjs's own backward pass keeps, until its very end, every activation the forward pass saved
 * and the gradient of every intermediate tensor: on a U-Net the live memory doubled between the
 * end of the forward pass and the end of the backward pass (docs/benchmarks.md). Here each tape
 * node, once its input gradients are formed, gives up
 * - the tensors it saved for its gradient (nothing later reads them), and
 * - the gradients of its outputs (every consumer came later on the tape, so they are complete);
 *   a gradient object can be shared (an identity gradient hands dy on as is), so each is
 *   counted and disposed when no tensor refers to it any more.
 *
 * It reads the tfjs engine's tape (tfjs-core 4.x: `state.activeTape`, `startTape`, `endTape`,
 * `scopedRun`); where those are missing it falls back to `tf.variableGrads`.
 */
export function frugalVariableGrads(f: () => tf.Scalar, variables: readonly tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const engine = tf.engine() as unknown as EngineInternals;
  if (!hasTapeInternals(engine) || engine.state.gradientDepth !== 0 || variables.length === 0) {
    return tf.variableGrads(f, variables as tf.Variable[]);
  }
  const value = engine.scopedRun(
    () => engine.startTape(),
    () => engine.endTape(),
    () => engine.tidy('forward', f),
  );
  if (!(value instanceof tf.Tensor) || value.rank !== 0) {
    throw new Error(
      `frugalVariableGrads: f() must return a scalar tensor, got ${value instanceof tf.Tensor ? `rank ${value.rank}` : typeof value}`,
    );
  }
  const tape = engine.state.activeTape ?? [];
  const nodes = nodesFromXsToY(tape, variables, value);
  try {
    return engine.tidy('backward', () => {
      const accumulated = new CountedGradients();
      accumulated.add(value.id, tf.onesLike(value));
      for (let index = nodes.length - 1; index >= 0; index--) {
        const node = nodes[index]!;
        const dys = node.outputs.map((output) => accumulated.get(output.id) ?? null);
        if (node.gradient == null) {
          throw new Error(
            `frugalVariableGrads: no gradient function for ${node.kernelName}: register the gradients (@unet/core/register-gradients)`,
          );
        }
        const inputGradients = node.gradient(dys as tf.Tensor[]);
        for (const inputName of Object.keys(node.inputs)) {
          const gradientOf = inputGradients[inputName];
          if (gradientOf === undefined) {
            throw new Error(`frugalVariableGrads: ${node.kernelName} gives no gradient for its input ${inputName}`);
          }
          const input = node.inputs[inputName]!;
          const dx = engine.tidy(() => gradientOf());
          if (dx.dtype !== 'float32' || !sameShape(dx.shape, input.shape)) {
            throw new Error(
              `frugalVariableGrads: the gradient of ${node.kernelName}'s input ${inputName} is ${dx.dtype} [${dx.shape}], ` +
                `expected float32 [${input.shape}]`,
            );
          }
          accumulated.add(input.id, dx);
        }
        for (const output of node.outputs) accumulated.release(output.id);
        for (const saved of node.saved) saved.dispose();
      }
      const grads: tf.NamedTensorMap = {};
      for (const variable of variables) {
        const gradient = accumulated.get(variable.id);
        if (gradient !== undefined) grads[variable.name] = gradient;
      }
      return { value, grads };
    });
  } finally {
    for (const node of tape) for (const saved of node.saved) saved.dispose();
    engine.state.activeTape = null;
  }
}

/** Tensor id -> its gradient so far; a gradient object may serve several ids. */
class CountedGradients {
  private readonly byId = new Map<number, tf.Tensor>();
  private readonly references = new Map<tf.Tensor, number>();

  get(id: number): tf.Tensor | undefined {
    return this.byId.get(id);
  }

  /** Adds `gradient` to the gradient of `id` (summing with what is there). */
  add(id: number, gradient: tf.Tensor): void {
    const current = this.byId.get(id);
    if (current === undefined) {
      this.set(id, gradient);
      return;
    }
    const sum = tf.add(current, gradient);
    this.release(id);
    if (!this.references.has(gradient)) gradient.dispose();
    this.set(id, sum);
  }

  /** Forgets the gradient of `id`; disposes it when no other id refers to it. */
  release(id: number): void {
    const gradient = this.byId.get(id);
    if (gradient === undefined) return;
    this.byId.delete(id);
    const count = (this.references.get(gradient) ?? 1) - 1;
    if (count > 0) {
      this.references.set(gradient, count);
    } else {
      this.references.delete(gradient);
      gradient.dispose();
    }
  }

  private set(id: number, gradient: tf.Tensor): void {
    this.byId.set(id, gradient);
    this.references.set(gradient, (this.references.get(gradient) ?? 0) + 1);
  }
}

/** The parts of a tfjs tape node read here. */
interface TapeNode {
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved: tf.Tensor[];
  gradient?: ((dys: tf.Tensor[]) => Record<string, () => tf.Tensor>) | null;
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  tidy<T extends tf.TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T;
}

function hasTapeInternals(engine: EngineInternals): boolean {
  return (
    typeof engine.startTape === 'function' &&
    typeof engine.endTape === 'function' &&
    typeof engine.scopedRun === 'function' &&
    typeof engine.state === 'object' &&
    typeof engine.state.gradientDepth === 'number'
  );
}

/**
 * The nodes on a path from one of `xs` to `y`, in tape order, each with only the inputs that
 * depend on an x (the others need no gradient).
 */
function nodesFromXsToY(tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const dependsOnX = tape.map((node) => {
    const hit = Object.values(node.inputs).some((input) => fromX.has(input.id));
    if (hit) for (const output of node.outputs) fromX.add(output.id);
    return hit;
  });
  const leadsToY = new Set([y.id]);
  const reachesY = new Array<boolean>(tape.length).fill(false);
  for (let index = tape.length - 1; index >= 0; index--) {
    const node = tape[index]!;
    if (node.outputs.some((output) => leadsToY.has(output.id))) {
      for (const input of Object.values(node.inputs)) leadsToY.add(input.id);
      reachesY[index] = true;
    }
  }
  const result: TapeNode[] = [];
  tape.forEach((node, index) => {
    if (!dependsOnX[index] || !reachesY[index]) return;
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, input] of Object.entries(node.inputs)) if (fromX.has(input.id)) inputs[name] = input;
    // A copy that shares `saved` (an array): disposing through it disposes the node's tensors.
    result.push({ ...node, inputs });
  });
  return result;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, index) => size === b[index]);
}
