import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireTrainerLock, FolderBeingTrainedError, TRAINER_LOCK_FILE, TrainerLockLostError } from './trainer_lock.js';

const work = mkdtempSync(path.join(tmpdir(), 'unet-trainer-lock-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const holderFile = (folder: string, holder: { pid: number; host: string; token?: string }) =>
  writeFileSync(path.join(folder, TRAINER_LOCK_FILE), JSON.stringify({ token: 'theirs', since: '2026-12-03T00:00:00.000Z', ...holder }));

describe('acquireTrainerLock', () => {
  it('makes one process the trainer of a folder: a second is refused, naming the holder, until the first releases', async () => {
    const folder = path.join(work, 'one');
    const lock = await acquireTrainerLock(folder);
    const written = JSON.parse(readFileSync(lock.file, 'utf8'));
    expect(written).toMatchObject({ pid: process.pid, host: hostname() });
    const refused = acquireTrainerLock(folder);
    await expect(refused).rejects.toBeInstanceOf(FolderBeingTrainedError);
    await expect(refused).rejects.toThrow(`being trained by pid ${process.pid} on ${hostname()}`);
    lock.check();
    await lock.release();
    expect(existsSync(lock.file)).toBe(false);
    await (await acquireTrainerLock(folder)).release();
  });

  it('with wait, waits for the holder to release it, saying so once', async () => {
    const folder = path.join(work, 'wait');
    const first = await acquireTrainerLock(folder);
    const waits: number[] = [];
    const second = acquireTrainerLock(folder, { wait: true, pollMs: 20, onWait: (holder) => waits.push(holder.pid) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await first.release();
    const lock = await second;
    expect(waits).toEqual([process.pid]);
    expect(existsSync(lock.file)).toBe(true);
    await lock.release();
  });

  it('takes over the lock of a process of this machine that is gone', async () => {
    const folder = path.join(work, 'dead');
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    await acquireTrainerLock(folder).then((lock) => lock.release());
    holderFile(folder, { pid: gone, host: hostname() });
    const lock = await acquireTrainerLock(folder);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it("takes over another machine's lock only once it has gone unrenewed for staleMs", async () => {
    const folder = path.join(work, 'other-host');
    await acquireTrainerLock(folder).then((lock) => lock.release());
    holderFile(folder, { pid: process.pid, host: 'another-machine' });
    await expect(acquireTrainerLock(folder, { staleMs: 60_000 })).rejects.toThrow('being trained by pid');
    const longAgo = new Date(Date.now() - 120_000);
    utimesSync(path.join(folder, TRAINER_LOCK_FILE), longAgo, longAgo);
    const lock = await acquireTrainerLock(folder, { staleMs: 60_000 });
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).host).toBe(hostname());
    await lock.release();
  });

  it('check() throws once another process has taken the lock over, and release() then leaves its file alone', async () => {
    const folder = path.join(work, 'lost');
    const lock = await acquireTrainerLock(folder);
    holderFile(folder, { pid: process.pid, host: hostname(), token: 'the-new-owner' });
    expect(() => lock.check()).toThrow(TrainerLockLostError);
    await lock.release();
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).token).toBe('the-new-owner');
  });

  it('renews the holder file, so that other machines do not take it for stale', async () => {
    const folder = path.join(work, 'renew');
    const lock = await acquireTrainerLock(folder, { renewMs: 50 });
    const longAgo = new Date(Date.now() - 120_000);
    utimesSync(lock.file, longAgo, longAgo);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(Date.now() - statSync(lock.file).mtimeMs).toBeLessThan(60_000);
    await lock.release();
  });
});
