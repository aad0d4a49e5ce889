import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * `../shared/datasets` beside the repository root, or undefined when it is absent (a user's
 * clone has none). Tests that need it skip with `describe.skipIf(!sharedDatasetsRoot)`.
 */
export const sharedDatasetsRoot: string | undefined = (() => {
  const candidate = path.resolve(repositoryRoot, '..', 'shared', 'datasets');
  return existsSync(candidate) ? candidate : undefined;
})();
