// onnx-proto is protobufjs's static code for onnx.proto (ONNX 1.10, IR version 8), published as
// CommonJS: the default import is its module object, whose `onnx` is the message namespace.
import onnxProtoModule from 'onnx-proto';

export const onnx = onnxProtoModule.onnx;
export type { onnx as OnnxTypes } from 'onnx-proto';

/** An int64 field as protobufjs decodes it: a number, or a Long where the `long` package is loaded. */
export type Int64 = number | { toNumber(): number };

/** A decoded int64 as a JavaScript number (exact below 2^53, which every size and index here is). */
export function int64ToNumber(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}
