// What the addon's build needs, found on this machine, or the one line that says what to install.
// Kept apart from build_addon.mjs, which runs the build, so that a test can give it any machine.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const installAdvice =
  'install oneDNN and a compiler (Debian/Ubuntu: apt-get install -y libdnnl-dev g++ make python3), then run pnpm build (in the workspace) or npm rebuild @unet/backend-native';

const defaultMachine = {
  env: process.env,
  execPath: process.execPath,
  exists: existsSync,
  runs: (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0,
};

/**
 * `{ found: true, nodeGyp, nodeDir, dnnlInclude, dnnlLib }` (dnnlLib '' for the linker's own
 * path), or `{ found: false, reason }` naming what is missing and what to install.
 * oneDNN is looked for in $UNET_DNNL_ROOT, $DNNLROOT (oneAPI's variable), /usr/local and /usr.
 */
export function findPrerequisites(machine = defaultMachine) {
  const { env, execPath, exists, runs } = machine;
  if (env.UNET_NATIVE_SKIP_ADDON === '1') {
    return { found: false, reason: 'UNET_NATIVE_SKIP_ADDON=1 was set when the package was built; unset it and run pnpm build again' };
  }
  const nodeDir = dirname(dirname(execPath));
  if (!exists(join(nodeDir, 'include', 'node', 'node_api.h')) || !exists(join(nodeDir, 'include', 'node', 'common.gypi'))) {
    return {
      found: false,
      reason: `Node's headers are not in ${join(nodeDir, 'include', 'node')}; install Node with its headers (the official tarball and Debian's nodejs have them), then run pnpm build again`,
    };
  }
  const compiler = env.CXX ?? 'g++';
  if (!runs(compiler, ['--version'])) return { found: false, reason: `no C++ compiler (${compiler}); ${installAdvice}` };
  if (!runs('make', ['--version'])) return { found: false, reason: `no make (node-gyp's builder); ${installAdvice}` };
  if (!runs(env.PYTHON ?? 'python3', ['--version']))
    return { found: false, reason: `no python3 (node-gyp runs gyp with it); ${installAdvice}` };
  const nodeGyp = [
    env.npm_config_node_gyp,
    join(nodeDir, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].find((candidate) => candidate !== undefined && candidate !== '' && exists(candidate));
  if (nodeGyp === undefined) {
    return {
      found: false,
      reason: `node-gyp was not found (npm ships it: ${join(nodeDir, 'lib', 'node_modules', 'npm')}); install npm or run npm install -g node-gyp, then run pnpm build again`,
    };
  }
  const roots = [env.UNET_DNNL_ROOT, env.DNNLROOT].filter((root) => root !== undefined && root !== '');
  for (const root of roots) {
    if (!exists(join(root, 'include', 'oneapi', 'dnnl', 'dnnl.hpp'))) {
      return {
        found: false,
        reason: `${root} (UNET_DNNL_ROOT or DNNLROOT) has no include/oneapi/dnnl/dnnl.hpp; point it at a oneDNN install prefix, or unset it`,
      };
    }
    const lib = ['lib', 'lib64'].map((folder) => join(root, folder)).find((folder) => exists(join(folder, 'libdnnl.so')));
    if (lib === undefined)
      return {
        found: false,
        reason: `${root} has no lib/libdnnl.so or lib64/libdnnl.so; point UNET_DNNL_ROOT at a built and installed oneDNN`,
      };
    return { found: true, nodeGyp, nodeDir, dnnlInclude: join(root, 'include'), dnnlLib: lib };
  }
  const system = ['/usr/local/include', '/usr/include'].find((include) => exists(join(include, 'oneapi', 'dnnl', 'dnnl.hpp')));
  if (system === undefined) return { found: false, reason: `oneDNN's headers (oneapi/dnnl/dnnl.hpp) are missing; ${installAdvice}` };
  return { found: true, nodeGyp, nodeDir, dnnlInclude: system, dnnlLib: '' };
}
