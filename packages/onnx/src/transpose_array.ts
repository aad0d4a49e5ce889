/**
 * `values` of row-major `shape` with its axes permuted: output axis i is input axis
 * `permutation[i]` (numpy's transpose). Only copies, so it is exact, and it needs no tfjs backend.
 */
export function transposeArray(
  values: Float32Array,
  shape: readonly number[],
  permutation: readonly number[],
): { values: Float32Array; shape: number[] } {
  const rank = shape.length;
  if (permutation.length !== rank || [...permutation].sort((a, b) => a - b).some((axis, index) => axis !== index)) {
    throw new RangeError(`transposeArray: [${permutation}] is not a permutation of the ${rank} axes of shape [${shape}]`);
  }
  const size = shape.reduce((product, extent) => product * extent, 1);
  if (values.length !== size) {
    throw new RangeError(`transposeArray: ${values.length} values cannot have shape [${shape}] (${size} values)`);
  }
  const inputStrides = new Array<number>(rank);
  for (let axis = rank - 1, stride = 1; axis >= 0; axis--) {
    inputStrides[axis] = stride;
    stride *= shape[axis];
  }
  const outputShape = permutation.map((axis) => shape[axis]);
  const stridesInOutputOrder = permutation.map((axis) => inputStrides[axis]);
  const output = new Float32Array(size);
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  for (let target = 0; target < size; target++) {
    output[target] = values[source];
    // Odometer over the output's index, moving the source offset by the matching strides.
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]++;
      source += stridesInOutputOrder[axis];
      if (index[axis] < outputShape[axis]) break;
      source -= stridesInOutputOrder[axis] * outputShape[axis];
      index[axis] = 0;
    }
  }
  return { values: output, shape: outputShape };
}
