import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { DatasetLayoutError, MissingFileError, PathEscapeError } from '../errors.js';

/**
 * Listing a data set's files and keeping every path inside its root. Split files and folder
 * listings come from the data, not from us: a `../../etc/passwd` line or a symlink that points
 * out of the data set must not make a trainer read (and later write predictions beside) a file
 * the user never meant to hand over.
 */

/** The root's real path (symlinks resolved), or a DatasetLayoutError when it is missing or not a folder. */
export async function resolveRoot(root: string, format: string): Promise<string> {
  try {
    const real = await realpath(root);
    if (!(await stat(real)).isDirectory()) throw new Error('not a folder');
    return real;
  } catch {
    throw new DatasetLayoutError(
      `${root}: the ${format} data set's root is missing or not a folder; pass the folder that holds the data set as 'root'.`,
      root,
    );
  }
}

/**
 * `root/relative`, refusing an absolute `relative` or one whose `..` steps leave the root.
 * `source` names where the path came from (a split file) for the message.
 */
export function joinInside(root: string, relative: string, source: string): string {
  const joined = path.resolve(root, relative);
  if (path.isAbsolute(relative) || !isInside(root, joined)) {
    throw new PathEscapeError(
      `${source}: '${relative}' leads out of the data set root ${root}; list ids relative to the root, without '..' or absolute paths.`,
      source,
    );
  }
  return joined;
}

/** Throws PathEscapeError when `file` (after resolving symlinks) lies outside `realRoot`. Missing files pass: their absence is reported by whoever needs them. */
export async function checkInside(realRoot: string, file: string): Promise<void> {
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return;
  }
  if (!isInside(realRoot, real)) {
    throw new PathEscapeError(
      `${file}: is a link to ${real}, outside the data set root ${realRoot}; copy the file into the data set instead of linking to it.`,
      file,
    );
  }
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** True when `file` exists and is a regular file (following links). */
export async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** True when `folder` exists and is a folder (following links). */
export async function isFolder(folder: string): Promise<boolean> {
  try {
    return (await stat(folder)).isDirectory();
  } catch {
    return false;
  }
}

/** `file` itself, or a MissingFileError that says what it was needed for. */
export async function requireFile(file: string, what: string): Promise<string> {
  if (!(await isFile(file))) throw new MissingFileError(`${file}: missing (${what}).`, file);
  return file;
}

/** Image file extensions the readers handle, lower case. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.tif', '.tiff', '.jpg', '.jpeg', '.bmp', '.webp', '.gif'];

/**
 * The names of the regular files in `folder` whose extension is one of `extensions`, in natural
 * order (`t2` before `t10`). Hidden files (`.DS_Store`, `._x.png`) are skipped.
 */
export async function listFiles(folder: string, extensions: readonly string[] = IMAGE_EXTENSIONS): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (!extensions.includes(path.extname(entry.name).toLowerCase())) continue;
    if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path.join(folder, entry.name))))) names.push(entry.name);
  }
  return names.sort(naturalCompare);
}

/** Compares names with their digit runs as numbers. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** A file name without its extension: `t003.tif` -> `t003`. */
export function fileStem(name: string): string {
  const extension = path.extname(name);
  return extension ? name.slice(0, -extension.length) : name;
}
