import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { temporaryFileFor } from './temporary_files.js';

/** Writes a file and fsyncs it, so that a rename after it never exposes a file still in the page cache only. */
export async function writeFileSynced(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * fsyncs a folder, making the renames and new entries in it durable (POSIX). Windows cannot
 * open a folder for this; there it is skipped.
 */
export async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `file` with `data` atomically and durably: a crash or a kill leaves either the old
 * file or the new one, whole, never half of one. The one writer for every output of unet-ts
 * (models, checkpoints, masks, plots, records). The temporary name (temporaryFileFor) holds the
 * machine, the process, the thread and a random part, so that workers writing beside each other
 * never share one, and one left by a killed writer can be told apart (removeStaleTemporaryFiles). The folder is
 * made where missing; `folder` (default: the file's) is synced after the rename.
 */
export async function writeFileAtomically(file: string, data: string | Uint8Array, folder = path.dirname(file)): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = temporaryFileFor(file);
  try {
    await writeFileSynced(temporary, data);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(folder);
}
