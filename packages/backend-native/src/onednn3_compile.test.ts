import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const nativeFolder = fileURLToPath(new URL('../native', import.meta.url));
const nodeHeaders = join(dirname(dirname(process.execPath)), 'include', 'node');

// oneDNN 3 headers: UNET_DNNL3_INCLUDE (include folders, e.g. a source tree's include and its
// build's include, which holds the generated dnnl_version.h), else UNET_DNNL_ROOT's, /usr/local's
// or /usr's include when that one is oneDNN 3.
function oneDnn3Includes(): string[] | undefined {
  const given = process.env.UNET_DNNL3_INCLUDE;
  if (given !== undefined && given !== '') return given.split(delimiter);
  const roots = [process.env.UNET_DNNL_ROOT, '/usr/local', '/usr'].filter((root): root is string => root !== undefined && root !== '');
  const version = (include: string) => join(include, 'oneapi', 'dnnl', 'dnnl_version.h');
  const include = roots
    .map((root) => join(root, 'include'))
    .find((folder) => existsSync(version(folder)) && /#define DNNL_VERSION_MAJOR 3\b/.test(readFileSync(version(folder), 'utf8')));
  return include === undefined ? undefined : [include];
}

// The files whose oneDNN calls differ between oneDNN 2 and 3 (they include onednn_compat.h,
// directly or through geometry.h); the others use only what both have.
const versionDependent = readdirSync(nativeFolder).filter(
  (name) => name.endsWith('.cc') && /#include "(onednn_compat|geometry)\.h"/.test(readFileSync(join(nativeFolder, name), 'utf8')),
);

// CI has only oneDNN 2.6 (the build compiles every file against it); this proves the same
// sources compile against oneDNN 3 where its headers are.
describe('the sources against oneDNN 3', () => {
  it('compile against oneDNN 3 headers (the `desc`-free API)', (context) => {
    const includes = oneDnn3Includes();
    if (includes === undefined) {
      context.skip('no oneDNN 3 headers here (set UNET_DNNL3_INCLUDE or UNET_DNNL_ROOT, or install oneDNN 3)');
      return;
    }
    if (!existsSync(join(nativeFolder, 'generated', 'geometry_fields.h'))) {
      context.skip('native/generated/geometry_fields.h is absent (the package has not been built)');
      return;
    }
    expect(versionDependent.length).toBeGreaterThan(3);
    const probe = '#include <oneapi/dnnl/dnnl.hpp>\nstatic_assert(DNNL_VERSION_MAJOR == 3, "not oneDNN 3");\n';
    const flags = [
      '-std=c++17',
      '-fsyntax-only',
      '-fopenmp',
      ...includes.map((folder) => `-I${folder}`),
      `-I${nodeHeaders}`,
      `-I${nativeFolder}`,
    ];
    const probeResult = spawnSync(process.env.CXX ?? 'g++', [...flags, '-x', 'c++', '-'], { input: probe, encoding: 'utf8' });
    expect(probeResult.stderr, 'the headers found are oneDNN 3').toBe('');
    const result = spawnSync(process.env.CXX ?? 'g++', [...flags, ...versionDependent.map((name) => join(nativeFolder, name))], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
