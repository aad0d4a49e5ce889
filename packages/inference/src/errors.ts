/** An image, a tile size or an option segmentImage cannot work with; the message names the value and the fix. */
export class SegmentImageError extends Error {
  override readonly name = 'SegmentImageError';
}
