import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { PathNotAllowedError } from './job_errors.js';

/**
 * The folders a worker may read and write (`--allow-root DIR`, repeatable), resolved through
 * symbolic links once at start. A job comes from whoever can write to the queue; without this a
 * job could make a worker read /etc/shadow into a mask or write over any file it may write.
 */
export function resolveAllowedRoots(roots: readonly string[]): string[] {
  return roots.map((root) => {
    const resolved = path.resolve(root);
    if (!existsSync(resolved)) throw new PathNotAllowedError(`--allow-root ${root}: no such folder; name folders that exist`);
    return realpathSync(resolved);
  });
}

/**
 * The real path of `file` when it lies inside one of `roots`, else a PathNotAllowedError naming
 * the roots. A file that does not exist yet (an output) is judged by the deepest folder above it
 * that does, so that a link inside a root cannot lead out of it.
 */
export function checkAllowedPath(file: string, roots: readonly string[], what: string): string {
  const real = realPathOfExistingPart(path.resolve(file));
  const inside = roots.some((root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
  if (!inside) {
    throw new PathNotAllowedError(
      `${what} ${file} lies outside the folders this worker may use (${roots.join(', ')}); start the worker with --allow-root naming a folder above it`,
    );
  }
  return real;
}

function realPathOfExistingPart(file: string): string {
  let existing = file;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  return path.join(realpathSync(existing), ...rest);
}
