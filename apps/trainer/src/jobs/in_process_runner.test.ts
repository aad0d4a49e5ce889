import { describe, expect, it } from 'vitest';
import { runInProcess } from './in_process_runner.js';
import { JobRefusedError } from './job_errors.js';
import { formatCounts, type JobCounts } from './job_progress.js';

const jobs = Array.from({ length: 7 }, (_, index) => ({ input: `image-${index}.png` }));
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('runInProcess', () => {
  it("runs every job, never more than `concurrency` at once, results in the jobs' order", async () => {
    let running = 0;
    let most = 0;
    const { results, failures } = await runInProcess(
      jobs,
      async (job) => {
        running++;
        most = Math.max(most, running);
        await tick();
        running--;
        return job.input.toUpperCase();
      },
      { concurrency: 3 },
    );
    expect(most).toBe(3);
    expect(results).toEqual(jobs.map((job) => job.input.toUpperCase()));
    expect(failures).toEqual([]);
  });

  it('retries a failing job with doubling waits, parks it as failed with its reason after the last attempt, and refuses at once', async () => {
    const tries = new Map<string, number[]>();
    const started = Date.now();
    const seen: JobCounts[] = [];
    const { results, failures } = await runInProcess(
      jobs.slice(0, 3),
      async (job) => {
        tries.set(job.input, [...(tries.get(job.input) ?? []), Date.now() - started]);
        if (job.input === 'image-0.png') throw new Error('disk full');
        if (job.input === 'image-1.png') throw new JobRefusedError('no such file');
        return 'ok';
      },
      { attempts: 3, backoffMs: 20, onProgress: (counts) => seen.push(counts) },
    );
    const times = tries.get('image-0.png')!;
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(19);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(39);
    expect(tries.get('image-1.png')).toHaveLength(1);
    expect(failures).toEqual([
      { id: '0', input: 'image-0.png', reason: 'disk full', attempts: 3 },
      { id: '1', input: 'image-1.png', reason: 'no such file', attempts: 1 },
    ]);
    expect(results).toEqual([undefined, undefined, 'ok']);
    expect(seen.some((counts) => counts.delayed === 1)).toBe(true);
    expect(formatCounts(seen.at(-1)!)).toBe('0 waiting, 0 active, 1 done, 2 failed');
  });

  it('refuses a concurrency that is not a whole number >= 1', async () => {
    await expect(runInProcess(jobs, async () => 1, { concurrency: 0 })).rejects.toThrow(/concurrency must be a whole number >= 1, got 0/);
  });
});

describe('formatCounts', () => {
  it('names retrying jobs only when there are some', () => {
    expect(formatCounts({ waiting: 3, active: 2, delayed: 0, done: 5, failed: 1 })).toBe('3 waiting, 2 active, 5 done, 1 failed');
    expect(formatCounts({ waiting: 3, active: 2, delayed: 4, done: 5, failed: 1 })).toBe(
      '3 waiting, 2 active, 4 retrying, 5 done, 1 failed',
    );
  });
});
