export { SegmentImageError } from './errors.js';
export {
  type SegmentImageOptions,
  type SegmentationResult,
  segmentImage,
} from './segment_image.js';
export { tileSizes } from './tile_sizes.js';
export { type ImageTilePlan, type ImageTilePlanOptions, planImageTiles } from './image_tile_plan.js';
export { ensembleTileNetwork } from './ensemble_tile_network.js';
export { type NetworkGeometry, type TileBatchShape, type TileNetwork, asTileNetwork, tfjsTileNetwork } from './tile_network.js';
export { DIHEDRAL_TRANSFORMS, dihedralTransform, inverseDihedralTransform } from './dihedral.js';
export { gaussianWindow } from './gaussian_window.js';
export { labelsFromProbabilities } from './labels_from_probabilities.js';
