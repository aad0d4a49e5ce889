import { type DecodedImage, toChannels } from '@unet/data';
import type { TrainingPair } from './train_in_browser.js';

/** An image and mask that cannot be trained on; the message says why and what to pick. */
export class TrainingPairError extends Error {
  override readonly name = 'TrainingPairError';

  constructor(message: string) {
    super(message);
  }
}

/**
 * The user's image and mask as a training pair: the mask's distinct gray values, in increasing
 * order, become classes 0, 1, ... (0/255 masks: 0 and 1), and are kept so that downloaded masks
 * use them again. A palette mask (a VOC SegmentationClass PNG) is read by its indices, the class
 * ids it stores; any other colour mask by its first channel.
 */
export function trainingPair(image: DecodedImage, mask: DecodedImage): TrainingPair {
  if (image.height !== mask.height || image.width !== mask.width) {
    throw new TrainingPairError(
      `training_pair: the image is ${image.width} x ${image.height} pixels but the mask ${mask.width} x ${mask.height}; pick the mask made for this image`,
    );
  }
  const maximum = mask.bitDepth === 16 ? 65535 : 255;
  const raw =
    mask.paletteIndices === undefined
      ? Array.from({ length: mask.height * mask.width }, (_, pixel) => Math.round(mask.data[pixel * mask.channels] * maximum))
      : Array.from(mask.paletteIndices);
  const values = [...new Set(raw)].sort((a, b) => a - b);
  if (values.length < 2 || values.length > 8) {
    throw new TrainingPairError(
      `training_pair: the mask holds ${values.length} gray value${values.length === 1 ? '' : 's'}; a mask needs 2 to 8, one per class (e.g. 0 and 255)`,
    );
  }
  const classOf = new Map(values.map((value, classId) => [value, classId]));
  return {
    image: toChannels(image, 1),
    mask: Int32Array.from(raw, (value) => classOf.get(value) ?? 0),
    height: image.height,
    width: image.width,
    classNames: values.map((value) => `value ${value}`),
    // A downloaded mask is 8-bit: 16-bit values are spread over 0..255 instead.
    maskValues:
      mask.bitDepth === 8 || mask.paletteIndices !== undefined
        ? values
        : values.map((_, classId) => Math.round((classId * 255) / (values.length - 1))),
  };
}
