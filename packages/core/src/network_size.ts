/**
 * Which spatial sizes a U-Net accepts, and what size it returns.
 *
 * The paper's network (Ronneberger et al. 2015, figure 1) uses unpadded ("valid") 3x3
 * convolutions, so each one removes a 1-pixel border. With depth `d` (the number of 2x2 max
 * poolings) a size `n` goes through:
 *   down, d times:  two 3x3 convolutions (n - 4), then 2x2 pooling, which needs an even size;
 *   bottom:         two 3x3 convolutions (- 4);
 *   up, d times:    2x2 up-convolution (x 2), then two 3x3 convolutions (- 4).
 *
 * Closed form. Going down, `x -> (x - 4) / 2` is the same as `x + 4 -> (x + 4) / 2`, so every
 * pooled map is even exactly when `2^d` divides `n + 4`, and the size at the bottom after its
 * two convolutions is `b = (n + 4) / 2^d - 8`. Going up, `y -> 2y - 4` is the same as
 * `y - 4 -> 2(y - 4)`, so the output is `2^d (b - 4) + 4`, and
 *   output = n - (12 * 2^d - 8)                      (depth 4: 572 -> 388, always 184 smaller).
 * Every map must keep at least one pixel: `b >= 4` keeps every up-path size at 4 or more, while
 * `b = 3` shrinks to 2, then 0, so it only works for depth 1 (output 2). The valid inputs are
 * therefore `n = 2^d k + smallest` for whole `k >= 0`, with `smallest = 2^d (bMin + 8) - 4`
 * (depth 4: 16k + 188).
 *
 * With 'same' padding the convolutions keep the size, so only the poolings constrain it: the
 * input must be a positive multiple of `2^d`, and the output has the input's size.
 */

/** How the network's 3x3 convolutions pad: 'valid' (none, as in the paper) or 'same'. */
export type ConvolutionPadding = 'valid' | 'same';

/** The valid input sizes nearest to a size: `below` is absent when none is that small. */
export interface NearestValidInputSizes {
  /** The largest valid input size at or below the size asked about. */
  below?: number;
  /** The smallest valid input size at or above the size asked about. */
  above: number;
}

/** A tile or image size that the network cannot take; the message says which sizes it can. */
export class InvalidTileSizeError extends Error {
  override readonly name = 'InvalidTileSizeError';

  constructor(
    message: string,
    /** The size that was rejected. */
    readonly size: number,
    readonly depth: number,
    readonly padding: ConvolutionPadding,
    /** The valid input sizes nearest to `size`, when `size` was a whole number. */
    readonly nearest?: NearestValidInputSizes,
  ) {
    super(message);
  }
}

/** A network depth that is not a whole number of at least 1. */
export class InvalidDepthError extends Error {
  override readonly name = 'InvalidDepthError';

  constructor(readonly depth: number) {
    super(`network_size: depth ${depth} is not a valid U-Net depth: use a whole number of 2x2 poolings, at least 1 (the paper uses 4)`);
  }
}

/**
 * The spatial size of the network's output for an input of `inputSize` pixels (along one axis).
 * Throws InvalidTileSizeError when the input size is not valid for this depth and padding.
 */
export function outputSize(inputSize: number, depth: number, padding: ConvolutionPadding = 'valid'): number {
  validInputSize(inputSize, depth, padding);
  return padding === 'same' ? inputSize : inputSize - sizeLoss(depth);
}

/**
 * Returns `inputSize` when the network can take it; otherwise throws InvalidTileSizeError,
 * whose message names the nearest valid sizes below and above.
 */
export function validInputSize(inputSize: number, depth: number, padding: ConvolutionPadding = 'valid'): number {
  checkDepth(depth);
  if (isValidInputSize(inputSize, depth, padding)) return inputSize;
  const networkName = describeNetwork(depth, padding);
  const sizesName = describeValidSizes(depth, padding);
  if (!Number.isInteger(inputSize)) {
    throw new InvalidTileSizeError(
      `network_size: ${inputSize} is not a valid input size for ${networkName}: ` + `sizes are whole numbers of pixels (${sizesName})`,
      inputSize,
      depth,
      padding,
    );
  }
  const nearest = nearestValidInputSizes(inputSize, depth, padding);
  const choices =
    nearest.below === undefined
      ? `it is too small to leave any output; the smallest valid size is ${nearest.above}`
      : `use ${nearest.below} or ${nearest.above}`;
  throw new InvalidTileSizeError(
    `network_size: ${inputSize} is not a valid input size for ${networkName}: ${choices} ` + `(${sizesName})`,
    inputSize,
    depth,
    padding,
    nearest,
  );
}

/** Whether the network of this depth and padding can take an input of `inputSize` pixels. */
export function isValidInputSize(inputSize: number, depth: number, padding: ConvolutionPadding = 'valid'): boolean {
  checkDepth(depth);
  if (!Number.isInteger(inputSize)) return false;
  const step = 2 ** depth;
  const smallest = smallestValidInputSize(depth, padding);
  return inputSize >= smallest && (inputSize - smallest) % step === 0;
}

/**
 * The valid input sizes at or below and at or above `inputSize` (both equal `inputSize` when it
 * is valid). `below` is absent when `inputSize` is smaller than the smallest valid size.
 */
export function nearestValidInputSizes(inputSize: number, depth: number, padding: ConvolutionPadding = 'valid'): NearestValidInputSizes {
  checkDepth(depth);
  if (!Number.isFinite(inputSize)) {
    throw new InvalidTileSizeError(`network_size: ${inputSize} is not a size: pass a finite number of pixels`, inputSize, depth, padding);
  }
  const step = 2 ** depth;
  const smallest = smallestValidInputSize(depth, padding);
  if (inputSize <= smallest) {
    return inputSize === smallest ? { below: smallest, above: smallest } : { above: smallest };
  }
  const stepsBelow = Math.floor((inputSize - smallest) / step);
  const below = smallest + stepsBelow * step;
  return { below, above: below === inputSize ? below : below + step };
}

/**
 * The smallest valid input size whose output is at least `requestedOutputSize` pixels: the tile
 * to feed the network when it must return that much.
 */
export function inputSizeForOutput(requestedOutputSize: number, depth: number, padding: ConvolutionPadding = 'valid'): number {
  checkDepth(depth);
  if (!Number.isInteger(requestedOutputSize) || requestedOutputSize < 1) {
    throw new InvalidTileSizeError(
      `network_size: an output size of ${requestedOutputSize} cannot be asked for: ask for a whole number of pixels, at least 1`,
      requestedOutputSize,
      depth,
      padding,
    );
  }
  const loss = padding === 'same' ? 0 : sizeLoss(depth);
  const nearest = nearestValidInputSizes(requestedOutputSize + loss, depth, padding);
  return nearest.above;
}

/** How many pixels an unpadded network of this depth removes along each axis: 12 * 2^d - 8. */
function sizeLoss(depth: number): number {
  return 12 * 2 ** depth - 8;
}

function smallestValidInputSize(depth: number, padding: ConvolutionPadding): number {
  const step = 2 ** depth;
  if (padding === 'same') return step;
  // The bottom map after its two convolutions must be at least 4 wide (3 is enough for depth 1);
  // see the comment at the top of this file.
  const smallestBottomSize = depth === 1 ? 3 : 4;
  return step * (smallestBottomSize + 8) - 4;
}

function describeNetwork(depth: number, padding: ConvolutionPadding): string {
  const kind = padding === 'same' ? "a padded ('same')" : 'an unpadded';
  return `${kind} U-Net of depth ${depth}`;
}

function describeValidSizes(depth: number, padding: ConvolutionPadding): string {
  const step = 2 ** depth;
  const smallest = smallestValidInputSize(depth, padding);
  if (padding === 'same') return `sizes ${step}k for whole k >= 1`;
  return `sizes ${step}k + ${smallest} for whole k >= 0; each gives an output ${sizeLoss(depth)} smaller`;
}

function checkDepth(depth: number): void {
  if (!Number.isInteger(depth) || depth < 1) throw new InvalidDepthError(depth);
}
