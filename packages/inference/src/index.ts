export { SegmentImageError } from './errors.js';
export {
  type SegmentImageOptions,
  type SegmentationResult,
  segmentImage,
  tileSizes,
} from './segment_image.js';
export { type NetworkGeometry, type TileBatchShape, type TileNetwork, tfjsTileNetwork } from './tile_network.js';
export { DIHEDRAL_TRANSFORMS, dihedralTransform, inverseDihedralTransform } from './dihedral.js';
export { gaussianWindow } from './gaussian_window.js';
export { labelsFromProbabilities } from './labels_from_probabilities.js';
