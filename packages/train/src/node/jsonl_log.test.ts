import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonlLog, readJsonlLog } from './jsonl_log.js';

describe('jsonlLog', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'unet-log-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes one JSON object per line, appending across openings, and survives a torn line', async () => {
    const file = path.join(folder, 'run', 'log.jsonl');
    const log = await jsonlLog(file);
    const time = '2026-01-01T00:00:00.000Z';
    log.append({ type: 'step', time, step: 1, epoch: 0, loss: 0.7, learningRate: 0.01, gradientNorm: 2, imagesPerSecond: 3, seconds: 0.5 });
    await log.append({
      type: 'step',
      time,
      step: 2,
      epoch: 0,
      loss: Number.NaN,
      learningRate: 0.01,
      gradientNorm: Infinity,
      imagesPerSecond: 3,
      seconds: 0.5,
    });
    await log.sync?.();
    await log.close();
    // A process killed mid-write leaves half a line.
    await appendFile(file, '{"type":"step","ti');
    const reopened = await jsonlLog(file);
    await reopened.append({ type: 'stop', time, step: 2, reason: 'completed' });
    await reopened.close();

    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines).toHaveLength(5); // two records, the torn line, the stop record, and the final empty string
    expect(JSON.parse(lines[1])).toMatchObject({ step: 2, loss: 'NaN', gradientNorm: 'Infinity' });
    const records = await readJsonlLog(file);
    expect(records.map((record) => [record.type, record.step])).toEqual([
      ['step', 1],
      ['step', 2],
      ['stop', 2],
    ]);
  });
});
