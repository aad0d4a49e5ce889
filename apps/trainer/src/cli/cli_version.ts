import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The trainer's version: from the package.json of @unet/trainer above this file (dist/ in the
 * workspace or an npm install, dist-bundle/ for the one-file bundle, whose script writes one).
 */
export function trainerVersion(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let folder = from, level = 0; level < 5; folder = path.dirname(folder), level++) {
    const file = path.join(folder, 'package.json');
    if (!existsSync(file)) continue;
    const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (name === '@unet/trainer' && version !== undefined) return version;
  }
  return 'unknown (no package.json of @unet/trainer beside the program)';
}
