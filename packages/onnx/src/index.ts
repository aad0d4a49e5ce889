export { OnnxExportError, OnnxFormatError, OnnxGraphError } from './errors.js';
export { exportOpset, exportUNetToOnnx, onnxInputName, onnxLogitsName, onnxProbabilitiesName, type ExportOptions } from './export_graph.js';
export { metadataKeys } from './metadata_props.js';
export { skipCrops, type SkipCrop } from './skip_crop.js';
export { transposeArray } from './transpose_array.js';
export {
  convolutionKernelFromOnnx,
  convolutionKernelToOnnx,
  upConvolutionKernelFromOnnx,
  upConvolutionKernelToOnnx,
  type WeightArray,
} from './weight_layout.js';
export { decodeOnnxModel, importOnnxUNet, unetFromOnnx, type ImportedUNet } from './import_graph.js';
export {
  onnxRuntimeTileNetwork,
  type OnnxRuntimeModule,
  type OnnxRuntimeSession,
  type OnnxRuntimeTensor,
  type OnnxRuntimeTileNetwork,
} from './onnx_runtime_tile_network.js';
