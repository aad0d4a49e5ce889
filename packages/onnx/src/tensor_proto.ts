import { OnnxGraphError } from './errors.js';
import { int64ToNumber, onnx, type OnnxTypes } from './onnx_proto.js';
import type { WeightArray } from './weight_layout.js';

const { DataType } = onnx.TensorProto;

/** A float32 initializer; raw_data is little-endian, as ONNX specifies and as x86 and ARM store floats. */
export function floatTensorProto(name: string, weight: WeightArray): OnnxTypes.ITensorProto {
  const bytes = new Uint8Array(weight.values.buffer, weight.values.byteOffset, weight.values.byteLength);
  return { name, dims: weight.shape, dataType: DataType.FLOAT, rawData: new Uint8Array(bytes) };
}

/** An int64 tensor (Slice's starts and ends, ...), one dimension. */
export function int64TensorProto(name: string, values: readonly number[]): OnnxTypes.ITensorProto {
  return { name, dims: [values.length], dataType: DataType.INT64, int64Data: [...values] };
}

/** A float32 tensor, one dimension (Resize's scales). */
export function floatVectorProto(name: string, values: readonly number[]): OnnxTypes.ITensorProto {
  return floatTensorProto(name, { values: Float32Array.from(values), shape: [values.length] });
}

function copyBytes(bytes: Uint8Array): ArrayBuffer {
  // A decoded raw_data is a view into the file's buffer, at any offset (and in Node a Buffer,
  // whose slice() is another view): copy it to align it.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

/** The values of a float32 tensor, from raw_data or float_data. `where` names it in errors. */
export function readFloatTensor(tensor: OnnxTypes.ITensorProto, where: string): WeightArray {
  const shape = (tensor.dims ?? []).map(int64ToNumber);
  const size = shape.reduce((product, extent) => product * extent, 1);
  if (tensor.dataType !== DataType.FLOAT) {
    throw new OnnxGraphError(
      `${where}: tensor '${tensor.name}' is ${DataType[tensor.dataType ?? 0]}, not FLOAT; export the network in float32`,
    );
  }
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new OnnxGraphError(
      `${where}: tensor '${tensor.name}' is stored in an external file; export with the weights inside the .onnx file`,
    );
  }
  const values =
    tensor.rawData && tensor.rawData.length > 0 ? new Float32Array(copyBytes(tensor.rawData)) : Float32Array.from(tensor.floatData ?? []);
  if (values.length !== size) {
    throw new OnnxGraphError(
      `${where}: tensor '${tensor.name}' has ${values.length} values for shape [${shape}] (${size}): the file is damaged`,
    );
  }
  return { values, shape };
}

/** The values of an integer or float tensor as numbers (for constants: Slice's starts, Resize's scales). */
export function readNumbers(tensor: OnnxTypes.ITensorProto, where: string): number[] {
  switch (tensor.dataType) {
    case DataType.FLOAT:
      return [...readFloatTensor(tensor, where).values];
    case DataType.INT64:
      if (tensor.rawData && tensor.rawData.length > 0) {
        return [...new BigInt64Array(copyBytes(tensor.rawData))].map(Number);
      }
      return (tensor.int64Data ?? []).map(int64ToNumber);
    case DataType.INT32:
      if (tensor.rawData && tensor.rawData.length > 0) return [...new Int32Array(copyBytes(tensor.rawData))];
      return [...(tensor.int32Data ?? [])];
    default:
      throw new OnnxGraphError(`${where}: constant '${tensor.name}' is ${DataType[tensor.dataType ?? 0]}; expected INT64 or FLOAT`);
  }
}
