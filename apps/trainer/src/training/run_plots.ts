import path from 'node:path';
import type { LogRecord } from '@unet/train';
import { writeRgbaPng, writeSvgPng } from '../images/png_files.js';
import { linePlotSvg, type Series } from '../plots/line_plot.js';
import { imageToRgba, overlayMask, sideBySide } from '../plots/overlay.js';
import type { ValidationPrediction } from './validate_model.js';

/**
 * The records of the run that produced the current state: a resumed run's `start` record
 * supersedes what a killed run logged after the step it resumed from.
 */
export function currentRecords(records: readonly LogRecord[]): LogRecord[] {
  const kept: LogRecord[] = [];
  for (const record of records) {
    if (record.type === 'start') {
      while (kept.length > 0 && kept.at(-1)!.step > record.step) kept.pop();
    }
    kept.push(record);
  }
  return kept;
}

/** The loss curve, smoothed over a window so that the trend shows through the batch noise. */
export function lossSeries(records: readonly LogRecord[], window = 10): Series[] {
  const steps = records.filter((record): record is Extract<LogRecord, { type: 'step' }> => record.type === 'step');
  const raw: Array<[number, number]> = steps.map((record) => [record.step, record.loss]);
  const smoothed: Array<[number, number]> = raw.map(([step], index) => {
    const from = Math.max(0, index - window + 1);
    const slice = raw.slice(from, index + 1);
    return [step, slice.reduce((sum, [, loss]) => sum + loss, 0) / slice.length];
  });
  return [
    { name: 'loss (each step)', points: raw },
    { name: `loss (mean of ${window})`, points: smoothed },
  ];
}

export function measureSeries(records: readonly LogRecord[]): Series[] {
  const validations = records.filter((record): record is Extract<LogRecord, { type: 'validation' }> => record.type === 'validation');
  const names = ['iou', 'dice', 'pixelError', 'randError', 'seg'].filter((name) => validations.some((record) => name in record.measures));
  return names.map((name) => ({ name, points: validations.map((record) => [record.step, record.measures[name]] as [number, number]) }));
}

/** Image | truth over image | prediction over image, one row per validation image. */
export async function writePredictionPicture(file: string, predictions: readonly ValidationPrediction[]): Promise<void> {
  if (predictions.length === 0) return;
  const rows = predictions.map(({ sample, predicted }) => {
    const base = imageToRgba(sample.image);
    return sideBySide([base, overlayMask(base, sample.mask.data), overlayMask(base, predicted)]);
  });
  const width = Math.max(...rows.map((row) => row.width));
  const gap = 4;
  const height = rows.reduce((sum, row) => sum + row.height, 0) + gap * (rows.length - 1);
  const data = new Uint8Array(width * height * 4).fill(255);
  let top = 0;
  for (const row of rows) {
    for (let line = 0; line < row.height; line++)
      data.set(row.data.subarray(line * row.width * 4, (line + 1) * row.width * 4), (top + line) * width * 4);
    top += row.height + gap;
  }
  await writeRgbaPng(file, { data, height, width });
}

export interface RunPlots {
  loss: string;
  measures: string;
  predictions?: string;
}

export async function writeRunPlots(
  folder: string,
  records: readonly LogRecord[],
  predictions: readonly ValidationPrediction[],
): Promise<RunPlots> {
  const current = currentRecords(records);
  const plots: RunPlots = { loss: path.join(folder, 'loss.png'), measures: path.join(folder, 'measures.png') };
  await writeSvgPng(plots.loss, linePlotSvg(lossSeries(current), { title: 'Training loss', xLabel: 'step', yLabel: 'loss', logY: true }));
  await writeSvgPng(plots.measures, linePlotSvg(measureSeries(current), { title: 'Validation measures', xLabel: 'step' }));
  if (predictions.length > 0) {
    plots.predictions = path.join(folder, 'predictions.png');
    await writePredictionPicture(plots.predictions, predictions);
  }
  return plots;
}
