import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type LogRecord, type TrainingLog, formatLogRecord } from '../fit/training_log.js';

/** A JSONL training log on disk. */
export interface JsonlLog extends TrainingLog {
  readonly file: string;
  close(): Promise<void>;
}

/**
 * Appends fit's records to `file`, one JSON object per line. Records are written as they come
 * and fsynced at each checkpoint (fit calls sync), so that the log on disk is never behind the
 * last checkpoint. A process killed mid-write can leave a torn last line: reopening starts a
 * new line after it, and readJsonlLog skips it.
 */
export async function jsonlLog(file: string): Promise<JsonlLog> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'a+');
  const { size } = await handle.stat();
  if (size > 0) {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] !== 0x0a) await handle.appendFile('\n');
  }
  // Appends are chained so that records land in order even when fit does not await them.
  let pending: Promise<unknown> = Promise.resolve();
  const chain = (work: () => Promise<unknown>) => {
    pending = pending.then(work);
    return pending.then(() => undefined);
  };
  return {
    file,
    append: (record: LogRecord) => chain(() => handle.appendFile(`${formatLogRecord(record)}\n`)),
    sync: () => chain(() => handle.sync()),
    close: () => chain(() => handle.close()),
  };
}

/** The records of a JSONL log; unparsable lines (a torn line of a killed run) are skipped. */
export async function readJsonlLog(file: string): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as LogRecord);
    } catch {
      // A line cut short by a kill: the next record starts on a line of its own.
    }
  }
  return records;
}
