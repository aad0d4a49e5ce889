/** One line of the training log (JSONL: one JSON object per line). `step` counts steps completed. */
export type LogRecord =
  | {
      type: 'start';
      time: string;
      /** Steps already done (the checkpoint's step when resuming; 0 otherwise). */
      step: number;
      totalSteps: number;
      /** The checkpoint resumed from; records of a killed run after its step are superseded. */
      resumedFrom: string | null;
      config: Record<string, unknown>;
    }
  | {
      type: 'step';
      time: string;
      step: number;
      epoch: number;
      loss: number;
      learningRate: number;
      /** The global norm of the gradients before clipping. */
      gradientNorm: number;
      /**
       * The pace of the steps read back together (fit's readbackEvery): their wall time, from
       * the first one's batch fetch to the arrival of their losses, shared equally among them.
       */
      imagesPerSecond: number;
      seconds: number;
    }
  | { type: 'validation'; time: string; step: number; measures: Record<string, number>; best: boolean }
  | { type: 'checkpoint'; time: string; step: number; location: string; best: boolean }
  | {
      type: 'stop';
      time: string;
      step: number;
      reason: StopReason;
      /** The error's message when reason is 'error'. */
      error?: string;
    };

/** Why fit returned (or threw, for 'error'). */
export type StopReason = 'completed' | 'early-stopping' | 'aborted' | 'error';

/**
 * Where fit writes its log. `jsonlLog` in '@unet/train/node' appends to a file and fsyncs it
 * at checkpoints; `memoryLog` keeps the records.
 */
export interface TrainingLog {
  append(record: LogRecord): void | Promise<void>;
  /** Makes what was appended durable (fit calls it after each checkpoint and at the end). */
  sync?(): Promise<void>;
}

/** A log that keeps its records in an array. */
export function memoryLog(): TrainingLog & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return {
    records,
    append(record) {
      records.push(structuredClone(record));
    },
  };
}

/**
 * A record as one JSONL line (without the newline). Non-finite numbers, which JSON cannot hold,
 * are written as strings ("NaN", "Infinity").
 */
export function formatLogRecord(record: LogRecord): string {
  return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value));
}
