// Compiles the oneDNN addon (native/unet_native.cc) into dist/native/unet_native.node with g++,
// against Node's own headers (no node-gyp, no Python). The addon is optional, as tfjs-node's
// binding is: where oneDNN or a compiler is missing, this records why in
// dist/native/addon_status.json and exits 0, so that the rest of the workspace still builds;
// importing the package then throws NativeAddonMissingError with that reason.
// A compile error with oneDNN present is a bug in the addon and fails the build.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputFolder = join(packageRoot, 'dist', 'native');
const source = join(packageRoot, 'native', 'unet_native.cc');
const addon = join(outputFolder, 'unet_native.node');
const statusFile = join(outputFolder, 'addon_status.json');
mkdirSync(outputFolder, { recursive: true });

function record(built, reason) {
  // An addon left from an earlier build would load and contradict the recorded reason.
  if (!built) rmSync(addon, { force: true });
  writeFileSync(statusFile, `${JSON.stringify({ built, reason, addon: built ? 'unet_native.node' : null }, null, 2)}\n`);
  console.log(built ? `@unet/backend-native: built ${addon}` : `@unet/backend-native: addon not built: ${reason}`);
}

const fix = 'install oneDNN and a compiler (Debian: apt-get install -y libdnnl-dev g++), then run pnpm build again';
const nodeHeaders = join(dirname(dirname(process.execPath)), 'include', 'node');
const compiler = process.env.CXX ?? 'g++';
const dnnlHeader = ['/usr/include/oneapi/dnnl/dnnl.hpp', '/usr/local/include/oneapi/dnnl/dnnl.hpp'].find(existsSync);

if (process.env.UNET_NATIVE_SKIP_ADDON === '1') {
  record(false, 'UNET_NATIVE_SKIP_ADDON=1 was set when the package was built; unset it and run pnpm build again');
} else if (!existsSync(join(nodeHeaders, 'node_api.h'))) {
  record(false, `Node's headers are not in ${nodeHeaders}; install Node with its headers (the official tarball has them), then run pnpm build again`);
} else if (spawnSync(compiler, ['--version']).status !== 0) {
  record(false, `no C++ compiler (${compiler}); ${fix}`);
} else if (dnnlHeader === undefined) {
  record(false, `oneDNN's headers (oneapi/dnnl/dnnl.hpp) are missing; ${fix}`);
} else {
  const includeRoot = dirname(dirname(dirname(dnnlHeader)));
  // Built beside and renamed over the old addon: a process that has the old one loaded keeps
  // its file (rewriting a loaded shared object in place can crash it).
  const building = `${addon}.${process.pid}.tmp`;
  execFileSync(
    compiler,
    [
      // -fno-trapping-math: no program here reads floating-point exception flags, and without
      // it the compiler keeps a branch in loops with a comparison (ReLU masks) instead of
      // vectorising them; results are the same.
      '-std=c++17', '-O3', '-fno-trapping-math', '-fPIC', '-shared', '-fopenmp', '-fvisibility=hidden',
      '-DNODE_GYP_MODULE_NAME=unet_native', '-DNAPI_VERSION=8',
      `-I${nodeHeaders}`, `-I${includeRoot}`,
      source, '-o', building, '-ldnnl',
    ],
    { stdio: 'inherit' },
  );
  renameSync(building, addon);
  record(true, null);
}
