import { foregroundKindOf } from '../evaluate/segmentation_measures.js';
import type { TrainOptions } from '../options/train_options.js';
import { UsageError } from '../usage_error.js';

/**
 * The validation measure that picks the kept model (and drives `--schedule plateau`). Mean IoU
 * rewards thick, smooth masks; for membranes what matters is that no gap joins two cells, which
 * only the Rand error sees, and for touching cells SEG, which scores each cell. So `auto` picks
 * the measure of the task's benchmark.
 */
export type MonitorChoice = 'auto' | 'iou' | 'dice' | 'pixelError' | 'randError' | 'variationOfInformation' | 'seg';

export const monitorChoices: readonly MonitorChoice[] = ['auto', 'iou', 'dice', 'pixelError', 'randError', 'variationOfInformation', 'seg'];

export interface Monitor {
  name: Exclude<MonitorChoice, 'auto'>;
  /** Errors are better lower, scores higher. */
  mode: 'min' | 'max';
}

export interface MonitoredTask {
  format: TrainOptions['format'];
  classNames: readonly string[];
  /** Whether the validation images have true instances (needed for SEG). */
  validationHasInstances: boolean;
}

const lowerIsBetter = new Set(['pixelError', 'randError', 'variationOfInformation']);

/** The measures that validation reports for a task (see `flattenMeasures`). */
export function measuresOf(task: MonitoredTask): Monitor['name'][] {
  const names: Monitor['name'][] = ['iou', 'dice'];
  if (task.classNames.length !== 2) return names;
  names.push('pixelError', 'randError', 'variationOfInformation');
  if (task.validationHasInstances && foregroundKindOf(task.classNames) === 'object') names.push('seg');
  return names;
}

/**
 * `auto`: the Rand error for boundaries (ISBI membranes), SEG for instances of cells (Cell
 * Tracking Challenge), mean IoU otherwise. A named measure the task cannot report is a usage
 * error now rather than after the first hours of training.
 */
export function resolveMonitor(choice: MonitorChoice, task: MonitoredTask): Monitor {
  const available = measuresOf(task);
  let name: Monitor['name'];
  if (choice === 'auto') {
    if (available.includes('randError') && foregroundKindOf(task.classNames) === 'boundary') name = 'randError';
    else if (available.includes('seg') && task.format === 'ctc') name = 'seg';
    else name = 'iou';
  } else {
    if (!available.includes(choice)) {
      throw new UsageError(
        `--monitor ${choice}: this data set's validation does not report it (classes ${task.classNames.join(', ')}` +
          `${task.validationHasInstances ? '' : ', no true instances'}); choose one of ${available.join(', ')}, or auto`,
      );
    }
    name = choice;
  }
  return { name, mode: lowerIsBetter.has(name) ? 'min' : 'max' };
}
