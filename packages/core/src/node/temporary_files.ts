import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { isProcessAlive } from './process_alive.js';

/**
 * The temporary name a file is written under before it is renamed into place:
 * `FILE.writer~HOST~PID~THREAD~RANDOM.tmp` ('~' is in no host name). It names its writer, so that a later process can tell a
 * temporary file left by a killed writer (its process gone) from one still being written, and
 * never shares one with another writer of the same file.
 */
export function temporaryFileFor(file: string): string {
  return `${file}.writer~${hostname()}~${process.pid}~${threadId}~${randomBytes(4).toString('hex')}.tmp`;
}

const writerPattern = /\.writer~(?<host>[^~/]+)~(?<pid>\d+)~\d+~[0-9a-f]{8}\.tmp$/;

export interface StaleTemporaryOptions {
  /** Only names that begin with this (an output's stem: its mask and extras): all `.tmp` files when absent. */
  prefix?: string;
  /**
   * A temporary file of another machine (or of a name that does not say its writer) is stale
   * when unmodified for this long: 1 hour, since a writer of a huge image's mask appends a band
   * of tiles at a time, minutes apart.
   */
  staleMs?: number;
}

/**
 * Removes the `.tmp` files in `folder` whose writer is gone: on this machine, its process has
 * ended (a worker killed mid-write); elsewhere, the file has not changed for `staleMs`. One still
 * being written is left alone. Returns the files removed.
 */
export async function removeStaleTemporaryFiles(folder: string, options: StaleTemporaryOptions = {}): Promise<string[]> {
  const staleMs = options.staleMs ?? 3_600_000;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
  const removed: string[] = [];
  const here = hostname();
  for (const name of names) {
    if (!name.endsWith('.tmp') || (options.prefix !== undefined && !name.startsWith(options.prefix))) continue;
    const file = path.join(folder, name);
    const writer = writerPattern.exec(name)?.groups;
    let stale: boolean;
    if (writer?.host === here) stale = !isProcessAlive(Number(writer.pid));
    else {
      const modified = await stat(file).then(
        (info) => info.mtimeMs,
        () => undefined,
      );
      stale = modified !== undefined && Date.now() - modified > staleMs;
    }
    if (!stale) continue;
    await rm(file, { force: true });
    removed.push(file);
  }
  return removed;
}
