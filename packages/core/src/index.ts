// Every user of @unet/core can train: tfjs-core's gradients are registered on import (see
// register_gradients.browser.ts; Node gets a bundled copy through package.json's imports).
import '#register-gradients';

export {
  type ConvolutionPadding,
  type NearestValidInputSizes,
  InvalidDepthError,
  InvalidTileSizeError,
  inputSizeForOutput,
  isValidInputSize,
  nearestValidInputSizes,
  outputSize,
  validInputSize,
} from './network_size.js';
export { CropSizeError, centreCrop, cropToMatch } from './crop_to_match.js';
export {
  type MirrorPads,
  type PixelArray,
  MirrorPadError,
  mirrorPad,
  mirrorPadArray,
  reflectIndex,
} from './mirror_pad.js';
export {
  type Stitcher,
  type Tile,
  type TilePlanOptions,
  type TileWindow,
  TilePlanError,
  TileStitchError,
  createStitcher,
  extractTile,
  planTiles,
} from './overlap_tile.js';
