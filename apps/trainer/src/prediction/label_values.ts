/**
 * The pixel values `unet predict` writes for each class when the data set did not map them
 * itself: the ISBI challenge's polarity (membrane 0, cell 255), 0/255 for other two-class masks,
 * class ids (VOC's palette indices) otherwise. `unet train` saves them in the model; a model
 * saved without them gets the same rule from the format it says it was trained on.
 */
export function defaultLabelMapping(format: string | undefined, classes: number): { values: number[] } {
  if (format === 'isbi') return { values: [255, 0] };
  if (classes === 2) return { values: [0, 255] };
  return { values: Array.from({ length: classes }, (_, index) => index) };
}
