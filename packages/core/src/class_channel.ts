/**
 * One class's probabilities out of a softmax output.
 *
 * @param probabilities // [pixels, classes]
 * @returns // [pixels]
 */
export function classChannel(probabilities: Float32Array, pixels: number, classes: number, classId: number): Float32Array {
  const result = new Float32Array(pixels);
  for (let pixel = 0; pixel < pixels; pixel++) result[pixel] = probabilities[pixel * classes + classId]!;
  return result;
}
