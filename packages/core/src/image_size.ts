/**
 * Throws `makeError(message)` unless `height` and `width` are positive whole numbers and an
 * array of `length` values is a row-major [height, width] image of them. `source` (the file)
 * and `what` (the argument) go into the message, which says how to fix the call.
 */
export function checkImageSize(
  source: string,
  what: string,
  length: number,
  height: number,
  width: number,
  makeError: (message: string) => Error,
): void {
  for (const [label, value] of [
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw makeError(`${source}: ${label} must be a positive whole number, got ${value}; pass the image's size in pixels.`);
    }
  }
  if (length !== height * width) {
    throw makeError(
      `${source}: ${what} has ${length} values but height * width = ${height} * ${width} = ${height * width}; pass a row-major [height, width] array of that length, or fix height and width.`,
    );
  }
}
