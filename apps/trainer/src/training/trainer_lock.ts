import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { UsageError } from '../usage_error.js';
import { isProcessAlive } from '@unet/core/node';

/** Who trains in a run folder: the process, its machine, and a token of this acquisition. */
export interface TrainerLockHolder {
  pid: number;
  host: string;
  token: string;
  since: string;
}

/** Another process trains in the folder (its lock is held, and not stale). */
export class FolderBeingTrainedError extends UsageError {
  constructor(
    readonly folder: string,
    readonly holder: TrainerLockHolder,
  ) {
    super(
      `${folder} is being trained by pid ${holder.pid} on ${holder.host} since ${holder.since} (${path.join(folder, TRAINER_LOCK_FILE)}); ` +
        'wait for it to end, or remove that file if the process is gone',
    );
  }
}

/** This process's lock was taken over (it was thought dead): it must write nothing more there. */
export class TrainerLockLostError extends Error {
  override readonly name = 'TrainerLockLostError';
}

/** The lock's file in a run folder. */
export const TRAINER_LOCK_FILE = 'trainer.lock';

export interface TrainerLockOptions {
  /** Wait for a live holder to release it (a worker's duplicate fold job) instead of refusing at once: false. */
  wait?: boolean;
  /** Called once when waiting begins, with the holder. */
  onWait?: (holder: TrainerLockHolder) => void;
  /** The lock file's modification time is renewed this often: 5000 ms. */
  renewMs?: number;
  /** A holder on another machine is taken for dead when its lock was not renewed for this long: 60000 ms. */
  staleMs?: number;
  /** How often a waiting process looks again: 1000 ms. */
  pollMs?: number;
}

export interface TrainerLock {
  readonly file: string;
  /** Throws a TrainerLockLostError when the file no longer names this process's acquisition: call before each write. */
  check(): void;
  /** Stops the renewal and removes the file (if it is still this process's). */
  release(): Promise<void>;
}

async function readHolder(file: string): Promise<{ holder: TrainerLockHolder; renewed: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    let holder: TrainerLockHolder;
    try {
      holder = JSON.parse(text) as TrainerLockHolder;
    } catch {
      // Not written yet (a process between its open and its write), or never (one killed there): judged by its age alone.
      holder = { pid: 0, host: '(unwritten)', token: '', since: new Date(info.mtimeMs).toISOString() };
    }
    return { holder, renewed: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * A holder is stale when it is dead: on this machine, when its process is gone (at once); on
 * another, when it has not renewed the file for `staleMs` (its clock and the file server's may
 * differ, so keep it well above `renewMs`).
 */
function isStale(found: { holder: TrainerLockHolder; renewed: number }, staleMs: number): boolean {
  if (found.holder.host === hostname()) return !isProcessAlive(found.holder.pid);
  return Date.now() - found.renewed > staleMs;
}

/**
 * Makes this process the one trainer of `folder`, through `folder/trainer.lock` created
 * exclusively (O_EXCL), holding pid, host and a token, its modification time renewed every
 * `renewMs`. A queue worker whose BullMQ lock was lost (a step that held the event loop too
 * long) is still training when its job is given to another worker: the second waits here (or,
 * without `wait`, is refused with a FolderBeingTrainedError), and no two trainers write one
 * folder. A stale lock (its holder dead) is taken over.
 */
export async function acquireTrainerLock(folder: string, options: TrainerLockOptions = {}): Promise<TrainerLock> {
  const renewMs = options.renewMs ?? 5000;
  const staleMs = options.staleMs ?? 60_000;
  const pollMs = options.pollMs ?? 1000;
  const file = path.join(folder, TRAINER_LOCK_FILE);
  const mine: TrainerLockHolder = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString('hex'),
    since: new Date().toISOString(),
  };
  await mkdir(folder, { recursive: true });
  let waiting = false;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(mine)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const found = await readHolder(file);
    if (found === undefined) continue;
    if (isStale(found, staleMs)) {
      // Moved aside, then checked: of two processes taking over one stale lock, only the one that
      // moved the stale file itself goes on; a fresh lock moved by mistake is put back.
      const aside = `${file}.stale-${mine.token}`;
      try {
        await rename(file, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = await readHolder(aside);
      if (moved !== undefined && moved.holder.token !== found.holder.token) await rename(aside, file).catch(() => undefined);
      else await rm(aside, { force: true });
      continue;
    }
    if (!options.wait) throw new FolderBeingTrainedError(folder, found.holder);
    if (!waiting) options.onWait?.(found.holder);
    waiting = true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  let lost = false;
  const ownsFile = () => {
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as TrainerLockHolder).token === mine.token;
    } catch {
      return false;
    }
  };
  const timer = setInterval(() => {
    if (lost) return;
    if (!ownsFile()) {
      lost = true;
      return;
    }
    const now = new Date();
    void utimes(file, now, now).catch(() => undefined);
  }, renewMs);
  timer.unref();
  return {
    file,
    check() {
      if (lost || !ownsFile()) {
        lost = true;
        throw new TrainerLockLostError(
          `${folder}: another process took over ${file} (this one was taken for dead); this trainer stops and writes nothing more there`,
        );
      }
    },
    async release() {
      clearInterval(timer);
      if (!lost && ownsFile()) await rm(file, { force: true });
    },
  };
}
