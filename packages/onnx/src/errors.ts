/** A file that is not an ONNX model at all (truncated, or another format): the message names the file. */
export class OnnxFormatError extends Error {
  override readonly name = 'OnnxFormatError';
}

/**
 * An ONNX graph that is not a U-Net this package can map onto a `UNetConfig`: the message names
 * the first node that cannot be placed, and why.
 */
export class OnnxGraphError extends Error {
  override readonly name = 'OnnxGraphError';
}

/** A model that cannot be written as ONNX (a weight missing, of the wrong shape). */
export class OnnxExportError extends Error {
  override readonly name = 'OnnxExportError';
}
