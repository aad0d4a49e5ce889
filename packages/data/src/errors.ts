/**
 * Typed errors of the readers and layouts. Bad data is found at load time where we can (listing
 * files, checking pairs) and otherwise when a sample is read; either way the message names the
 * file, what is wrong with it and what to do, and `.file` holds the path for programs.
 */

/** The base of every data error; `file` is the offending path when there is one. */
export class DatasetError extends Error {
  override readonly name: string = 'DatasetError';
  readonly file: string | undefined;

  constructor(message: string, file?: string) {
    super(message);
    this.file = file;
  }
}

/** The folders or files a layout needs are not there, or a folder holds nothing usable. */
export class DatasetLayoutError extends DatasetError {
  override readonly name: string = 'DatasetLayoutError';
}

/** An image without its mask, a mask without its image, or a split file naming an id with no file. */
export class MissingFileError extends DatasetError {
  override readonly name: string = 'MissingFileError';
}

/** A file that cannot be decoded: truncated, corrupt, or not an image at all. */
export class CorruptFileError extends DatasetError {
  override readonly name: string = 'CorruptFileError';
}

/** An image kind we do not read (e.g. float or 32-bit samples); the message says how to convert it. */
export class UnsupportedImageError extends DatasetError {
  override readonly name: string = 'UnsupportedImageError';
}

/** An image and its mask (or the pages of a stack) whose sizes differ. */
export class SizeMismatchError extends DatasetError {
  override readonly name: string = 'SizeMismatchError';
}

/** A mask pixel whose value is not one of the declared classes. */
export class MaskValueError extends DatasetError {
  override readonly name: string = 'MaskValueError';
  readonly value: number;

  constructor(message: string, file: string | undefined, value: number) {
    super(message, file);
    this.value = value;
  }
}

/** A path that leaves the data set's root: `..` in a split file, an absolute path, or a symlink out. */
export class PathEscapeError extends DatasetError {
  override readonly name: string = 'PathEscapeError';
}

/** An unknown option, or an option of the wrong type or range. */
export class DatasetOptionError extends DatasetError {
  override readonly name: string = 'DatasetOptionError';
}

/** An optional package that this part of @unet/data needs is not installed; the message names the install command. */
export class MissingDependencyError extends DatasetError {
  override readonly name: string = 'MissingDependencyError';
}
