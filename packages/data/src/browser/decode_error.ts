/** A file the demo cannot turn into an image; the message names the file and what to do. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';

  constructor(message: string) {
    super(message);
  }
}
