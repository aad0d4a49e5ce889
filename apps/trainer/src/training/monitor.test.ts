import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage_error.js';
import { measuresOf, resolveMonitor } from './monitor.js';

const isbi = { format: 'isbi' as const, classNames: ['cell', 'membrane'], validationHasInstances: true };
const hela = { format: 'ctc' as const, classNames: ['background', 'cell'], validationHasInstances: true };
const voc = {
  format: 'voc' as const,
  classNames: Array.from({ length: 21 }, (_, index) => `class${index}`),
  validationHasInstances: false,
};

describe('resolveMonitor', () => {
  it('picks the benchmark measure of the task for auto: Rand error, SEG, or mean IoU', () => {
    expect(resolveMonitor('auto', isbi)).toEqual({ name: 'randError', mode: 'min' });
    expect(resolveMonitor('auto', hela)).toEqual({ name: 'seg', mode: 'max' });
    expect(resolveMonitor('auto', voc)).toEqual({ name: 'iou', mode: 'max' });
    expect(resolveMonitor('auto', { ...hela, format: 'folder', validationHasInstances: false })).toEqual({ name: 'iou', mode: 'max' });
  });

  it('keeps a named measure with the right direction', () => {
    expect(resolveMonitor('pixelError', isbi)).toEqual({ name: 'pixelError', mode: 'min' });
    expect(resolveMonitor('dice', hela)).toEqual({ name: 'dice', mode: 'max' });
  });

  it('refuses, before training, a measure the validation cannot report', () => {
    expect(() => resolveMonitor('seg', isbi)).toThrow(UsageError);
    expect(() => resolveMonitor('randError', voc)).toThrow(/--monitor randError: .*choose one of iou, dice, or auto/);
  });
});

describe('measuresOf', () => {
  it('lists SEG only for objects with true instances', () => {
    expect(measuresOf(hela)).toContain('seg');
    expect(measuresOf({ ...hela, validationHasInstances: false })).not.toContain('seg');
    expect(measuresOf(isbi)).not.toContain('seg');
  });
});
