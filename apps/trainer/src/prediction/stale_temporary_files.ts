import { removeStaleTemporaryFiles } from '@unet/core/node';

/**
 * Before a run writes its outputs: removes the temporary files that killed writers left in those
 * folders (a `unet predict` or worker killed mid-write), once per folder, and says how many.
 * Files still being written by a live process are left alone (removeStaleTemporaryFiles).
 * Returns how many were removed.
 */
export async function removeTemporaryFilesOfKilledWriters(folders: Iterable<string>, print: (line: string) => void): Promise<number> {
  let removed = 0;
  for (const folder of new Set(folders)) removed += (await removeStaleTemporaryFiles(folder)).length;
  if (removed > 0) print(`removed ${removed} temporary file(s) that killed writers left beside the outputs`);
  return removed;
}
