// Node-only parts (sharp, fs, worker threads) live under this entry so that they never reach a browser bundle.
export { loadDataset } from './load_dataset.js';
export { loadVocDataset } from '../layouts/voc/voc.js';
export { ISBI_CLASS_NAMES, loadIsbiDataset } from '../layouts/isbi/isbi.js';
export { CTC_CLASS_NAMES, loadCtcDataset } from '../layouts/ctc/ctc.js';
export { FOLDER_IGNORE_LABEL, loadFolderDataset } from '../layouts/folder/folder.js';
export { type ImageHeader, type ReadImageOptions, readImage, readImageHeader, readPageCount } from '../readers/image.js';
export { type LabelImage, type ReadLabelImageOptions, readLabelImage } from '../readers/label_image.js';
export { type DecodedPng, decodePng, isPng } from '../readers/png_decode.js';
export { type PngPixels, encodePng } from '../readers/png_encode.js';
export {
  type WorkerBatchSource,
  type WorkerDatasetOptions,
  type WorkerPoolOptions,
  createWorkerBatchSource,
} from './worker_batch_source.js';
export { type TiffPage, TiffEncodeError, encodeTiffStack } from '../readers/tiff_encode.js';
