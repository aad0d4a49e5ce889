/** Pascal VOC 2012's classes, in class-id order; browser-safe so that a demo can name predictions. */
export const VOC_CLASS_NAMES: readonly string[] = [
  'background',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
];
export const VOC_BINARY_CLASS_NAMES: readonly string[] = ['background', 'object'];
/** VOC's void label on object borders, kept as the data set's ignoreLabel. */
export const VOC_VOID = 255;
