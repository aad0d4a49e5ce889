// Builds the oneDNN addon (native/*.cc) with node-gyp (binding.gyp) into
// dist/native/unet_native.node. Run by `pnpm build` and as the package's install script. The
// addon is optional, as tfjs-node's binding is: where something is missing, or the compile
// fails, this records why in dist/native/addon_status.json, prints it in one line, and exits 0,
// so that the install and the rest of the workspace still build; importing the package then
// throws NativeAddonMissingError with that reason (and src/build_status.test.ts fails where
// oneDNN is present but the addon did not build, so that a compile error is not missed).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPrerequisites } from './addon_prerequisites.mjs';
import { writeGeometryHeader } from './generate_geometry_header.mjs';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputFolder = join(packageRoot, 'dist', 'native');
const addon = join(outputFolder, 'unet_native.node');
const statusFile = join(outputFolder, 'addon_status.json');
mkdirSync(outputFolder, { recursive: true });

function record(built, reason, oneDnn = null) {
  // An addon left from an earlier build would load and contradict the recorded reason.
  if (!built) rmSync(addon, { force: true });
  writeFileSync(statusFile, `${JSON.stringify({ built, reason, addon: built ? 'unet_native.node' : null, oneDnn }, null, 2)}\n`);
  console.log(
    built ? `@unet/backend-native: built ${addon} against ${oneDnn.include}` : `@unet/backend-native: addon not built: ${reason}`,
  );
}

// As the install script inside this repository, nothing to do: `pnpm build` builds the addon
// (and pnpm install would otherwise compile it in every checkout on every install).
const inWorkspace = existsSync(join(packageRoot, '..', '..', 'pnpm-workspace.yaml'));
if (process.env.npm_lifecycle_event === 'install' && inWorkspace) process.exit(0);

const prerequisites = findPrerequisites();
if (!prerequisites.found) {
  record(false, prerequisites.reason);
} else {
  writeGeometryHeader();
  const { nodeGyp, nodeDir, dnnlInclude, dnnlLib } = prerequisites;
  // configure, then build: make recompiles only what changed since the last build (a rebuild
  // would compile every file each time).
  const nodeGypRun = (args) => {
    const run = spawnSync(process.execPath, [nodeGyp, args[0], '--loglevel=warn', `--nodedir=${nodeDir}`, ...args.slice(1)], {
      cwd: packageRoot,
      stdio: ['ignore', 'inherit', 'pipe'],
      encoding: 'utf8',
      // JOBS: node-gyp's make runs one compile per core.
      env: { JOBS: 'max', ...process.env },
    });
    process.stderr.write(run.stderr ?? '');
    return run;
  };
  let result = nodeGypRun(['configure', '--', `-Ddnnl_include=${dnnlInclude}`, `-Ddnnl_lib=${dnnlLib}`]);
  if (result.status === 0) result = nodeGypRun(['build']);
  const built = join(packageRoot, 'build', 'Release', 'unet_native.node');
  if (result.status !== 0 || !existsSync(built)) {
    const lastError = (result.stderr ?? '').split('\n').find((line) => / error[: ]/.test(line)) ?? `node-gyp exited with ${result.status}`;
    record(
      false,
      `compiling the addon against ${dnnlInclude} failed (${lastError.trim()}); the compiler's output is above; ${dnnlLib === '' ? 'check that libdnnl-dev is oneDNN 2.x or 3.x' : 'check UNET_DNNL_ROOT'}`,
    );
  } else {
    // Copied beside and renamed over the old addon: a process that has the old one loaded keeps
    // its file (rewriting a loaded shared object in place can crash it).
    const building = `${addon}.${process.pid}.tmp`;
    copyFileSync(built, building);
    renameSync(building, addon);
    record(true, null, { include: dnnlInclude, lib: dnnlLib === '' ? null : dnnlLib });
  }
}
