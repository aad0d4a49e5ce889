/**
 * The parameters of the addon's broadcast loop for an elementwise op of a and b: the output's
 * shape with adjacent dims merged wherever both inputs broadcast (or not) alike, and each input's
 * strides over it, 0 along its broadcast dims. `[N, H, W, C] * [C]` becomes `[N*H*W, C]` with
 * strides `[C, 1]` and `[0, 1]`, so the loop computes no index per element.
 * Layout: [rank, shape..., stridesA..., stridesB...].
 */
export function broadcastParameters(aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]): Int32Array {
  const rank = outShape.length;
  const padded = (shape: readonly number[]) => [...Array<number>(rank - shape.length).fill(1), ...shape];
  const a = padded(aShape);
  const b = padded(bShape);
  // Dims of [size, a broadcasts, b broadcasts], dropping the output's size-1 dims.
  const dims: [number, boolean, boolean][] = [];
  for (let axis = 0; axis < rank; axis++) {
    const size = outShape[axis];
    if (size === 1) continue;
    const entry: [number, boolean, boolean] = [size, a[axis] === 1, b[axis] === 1];
    const last = dims[dims.length - 1];
    if (last !== undefined && last[1] === entry[1] && last[2] === entry[2]) last[0] *= size;
    else dims.push(entry);
  }
  if (dims.length === 0) dims.push([1, false, false]);
  const strides = (which: 1 | 2) => {
    const result = new Array<number>(dims.length);
    let stride = 1;
    for (let axis = dims.length - 1; axis >= 0; axis--) {
      result[axis] = dims[axis][which] ? 0 : stride;
      if (!dims[axis][which]) stride *= dims[axis][0];
    }
    return result;
  };
  return Int32Array.from([dims.length, ...dims.map((dim) => dim[0]), ...strides(1), ...strides(2)]);
}
