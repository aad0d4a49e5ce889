import type { UNet } from './unet.js';

/** One row of a network summary: a block, its output shape and its trainable parameters. */
export interface SummaryRow {
  /** 'down0' .. 'down4' (contracting path), 'up3' .. 'up0' (expanding path), 'head'. */
  block: string;
  /** [batch, height, width, channels] of the block's output. */
  outputShape: [number, number, number, number];
  parameters: number;
}

/**
 * The shape after each block for an input of `inputShape` ([batch, height, width, channels]),
 * computed from the config alone (no forward pass), with each block's parameter count.
 */
export function summarizeUNet(model: UNet, inputShape: readonly number[]): SummaryRow[] {
  model.outputShape(inputShape); // checks the input shape
  const { depth, baseChannels, padding, classes } = model.config;
  const [batch, height, width] = inputShape;
  const convolutionLoss = padding === 'valid' ? 4 : 0; // two 3x3 convolutions
  const parametersOf = (block: string) =>
    model
      .namedWeights()
      .filter((weight) => weight.trainable && weight.name.startsWith(`${block}/`))
      .reduce((sum, weight) => sum + weight.variable.size, 0);
  const rows: SummaryRow[] = [];
  let [h, w] = [height - convolutionLoss, width - convolutionLoss];
  rows.push({ block: 'down0', outputShape: [batch, h, w, baseChannels], parameters: parametersOf('down0') });
  for (let level = 1; level <= depth; level++) {
    [h, w] = [h / 2 - convolutionLoss, w / 2 - convolutionLoss];
    rows.push({ block: `down${level}`, outputShape: [batch, h, w, baseChannels * 2 ** level], parameters: parametersOf(`down${level}`) });
  }
  for (let level = depth - 1; level >= 0; level--) {
    [h, w] = [2 * h - convolutionLoss, 2 * w - convolutionLoss];
    rows.push({ block: `up${level}`, outputShape: [batch, h, w, baseChannels * 2 ** level], parameters: parametersOf(`up${level}`) });
  }
  rows.push({ block: 'head', outputShape: [batch, h, w, classes], parameters: parametersOf('head') });
  return rows;
}
