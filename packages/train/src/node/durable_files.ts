import { open, rename } from 'node:fs/promises';

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
  let handle;
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

/** Replaces `file` with `data` atomically: a crash leaves either the old file or the new one, whole. */
export async function writeFileAtomically(file: string, data: string | Uint8Array, folder: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFileSynced(temporary, data);
  await rename(temporary, file);
  await syncFolder(folder);
}
