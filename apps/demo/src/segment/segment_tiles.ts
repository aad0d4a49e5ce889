import type { ImageArray } from '@unet/core';
import type { UNet } from '@unet/model';
import { labelsFromProbabilities, segmentImage, type TileNetwork } from '@unet/inference';

export interface SegmentTilesOptions {
  /**
   * The side of the output tile asked for, as segmentImage's `outputTileSize`; `unet predict`
   * passes the tile the model was trained with (modelMetadata's inferenceTile). Default: 388 for an
   * unpadded network, 256 for a padded one, never much more than the image.
   */
  outputTileSize?: number;
  /** The model's decision threshold on class 1 (modelMetadata's threshold); absent: the argmax. */
  threshold?: number;
  /** Called after each tile; the bar on the page. */
  onProgress?: (tilesDone: number, tiles: number) => void;
  /**
   * Awaited between tiles so that the page repaints and takes clicks: tf.nextFrame in the
   * browser. The wasm and cpu backends compute a tile synchronously, so without it the page
   * would freeze for the whole image.
   */
  yieldBetweenTiles?: () => Promise<void>;
}

export interface Segmentation {
  /** Class probabilities // [height, width, classes] */
  probabilities: Float32Array;
  /** The most probable class of each pixel // [height, width] */
  labels: Int32Array;
  height: number;
  width: number;
  classes: number;
  tiles: number;
}

/**
 * Overlap-tile segmentation with @unet/inference's segmentImage (no test-time augmentation, no
 * blending: the paper's seamless tiles, as `unet predict` runs by default), one tile at a time
 * with a pause between tiles so that the page stays responsive. `model` is a U-Net on the tfjs
 * backend, or another engine's tile network (an .onnx model's ONNX Runtime session).
 */
export async function segmentTiles(model: UNet | TileNetwork, image: ImageArray, options: SegmentTilesOptions = {}): Promise<Segmentation> {
  let tiles = 0;
  const { probabilities, height, width, classes } = await segmentImage(model, image, {
    outputTileSize: options.outputTileSize,
    onProgress: async (progress) => {
      tiles = progress.tiles;
      options.onProgress?.(progress.tilesDone, progress.tiles);
      await options.yieldBetweenTiles?.();
    },
  });
  return {
    probabilities,
    labels: labelsFromProbabilities(probabilities, height, width, classes, { threshold: options.threshold }),
    height,
    width,
    classes,
    tiles,
  };
}
