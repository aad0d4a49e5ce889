/**
 * The weighted cross-entropy kernels' test cases, one list for every backend that registers
 * them (@unet/backend-native, @unet/backend-webgpu): the paper's two classes with a weight map,
 * the ignore label, the 'pixels' normalisation, more classes, labels outside the classes
 * (counted with ignoreLabel null: their one-hot is zero), and more pixels than one block of a
 * kernel's partial sums.
 */
export interface CrossEntropyCase {
  name: string;
  shape: [number, number, number, number];
  weighted: boolean;
  /** weightedCrossEntropy's options (@unet/train's CrossEntropyOptions). */
  options: { ignoreLabel?: number | null; normalization?: 'weights' | 'pixels' };
  /** Labels drawn from [0, labelRange), with every 7th pixel set to 255. */
  labelRange: number;
}

export const crossEntropyCases: readonly CrossEntropyCase[] = [
  { name: '2 classes, weight map, ignore label 255', shape: [2, 20, 20, 2], weighted: true, options: {}, labelRange: 2 },
  { name: "2 classes, no weights, 'pixels'", shape: [1, 13, 17, 2], weighted: false, options: { normalization: 'pixels' }, labelRange: 2 },
  { name: "5 classes, weight map, 'pixels'", shape: [2, 9, 11, 5], weighted: true, options: { normalization: 'pixels' }, labelRange: 5 },
  { name: 'nothing ignored: 255 is out of range', shape: [1, 8, 8, 3], weighted: true, options: { ignoreLabel: null }, labelRange: 3 },
  { name: '3 x 96 x 96 pixels: several partial sums', shape: [3, 96, 96, 2], weighted: true, options: {}, labelRange: 2 },
];
