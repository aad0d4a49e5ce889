import * as tf from '@tensorflow/tfjs-core';
import { loadNodeWebGPUBackend } from './node_webgpu.js';

/** The backends the trainer can run on, fastest first. */
export const backendPriority = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'native', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendPriority)[number];

/** What happened when one backend was tried. */
export interface BackendAttempt {
  name: BackendName;
  /** The npm package that provides it. */
  packageName: string;
  loaded: boolean;
  /** Why it was skipped, in words a user can act on; absent when it loaded. */
  reason?: string;
  /** What it runs on, where that says more than the name (the GPU adapter of webgpu). */
  device?: string;
}

export interface BackendSelection {
  chosen: BackendName;
  attempts: BackendAttempt[];
}

/** A backend that was asked for by name and could not start. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}

interface Candidate {
  name: BackendName;
  packageName: string;
  /**
   * Loads the package, which registers the backend with tfjs-core; throws if it cannot. `forced`
   * says the user asked for this backend by name. May return a description of the device.
   */
  load: (forced: boolean) => Promise<unknown>;
  hint: string;
}

// tfjs-node and tfjs-node-gpu register the backend 'tensorflow'; the GPU one is tried first.
// They are optional peer dependencies: absent here (their install downloads libtensorflow),
// present on a user's GPU box.
const candidates: Candidate[] = [
  {
    name: 'tensorflow-gpu',
    packageName: '@tensorflow/tfjs-node-gpu',
    load: () => import('@tensorflow/tfjs-node-gpu' as string),
    hint: 'npm install @tensorflow/tfjs-node-gpu on a machine with CUDA',
  },
  {
    name: 'tensorflow',
    packageName: '@tensorflow/tfjs-node',
    load: () => import('@tensorflow/tfjs-node' as string),
    hint: 'npm install @tensorflow/tfjs-node',
  },
  {
    // Dawn in Node: a GPU without libtensorflow. Software adapters (SwiftShader, lavapipe) are
    // skipped unless forced: they run, but slower than wasm.
    name: 'webgpu',
    packageName: 'webgpu',
    load: async (forced) => {
      const { adapter } = await loadNodeWebGPUBackend(forced);
      return adapter;
    },
    hint: 'npm install webgpu on a machine with a Vulkan GPU driver',
  },
  {
    // oneDNN on every CPU core (our addon): built by `pnpm build` where libdnnl-dev is installed.
    name: 'native',
    packageName: '@unet/backend-native',
    load: async () => {
      const { nativeAddonStatus } = await import('@unet/backend-native/status');
      const status = nativeAddonStatus();
      if (!status.available) throw new Error(status.reason);
      await import('@unet/backend-native');
      return `oneDNN ${status.oneDnnVersion}, ${status.threads} threads`;
    },
    hint: 'apt-get install -y libdnnl-dev g++, then pnpm build',
  },
  {
    name: 'wasm',
    packageName: '@tensorflow/tfjs-backend-wasm',
    load: () => import('@tensorflow/tfjs-backend-wasm'),
    hint: 'reinstall @tensorflow/tfjs-backend-wasm',
  },
  {
    name: 'cpu',
    packageName: '@tensorflow/tfjs-backend-cpu',
    load: () => import('@tensorflow/tfjs-backend-cpu'),
    hint: 'reinstall @tensorflow/tfjs-backend-cpu',
  },
];

function tfjsBackendName(name: BackendName): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

function describeFailure(error: unknown, candidate: Candidate): string {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return `${candidate.packageName} is not installed (${candidate.hint})`;
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return `${candidate.packageName} failed to start: ${message}`;
}

async function tryCandidate(candidate: Candidate, forced: boolean): Promise<BackendAttempt> {
  const attempt: BackendAttempt = { name: candidate.name, packageName: candidate.packageName, loaded: false };
  try {
    const device = await candidate.load(forced);
    if (typeof device === 'string') attempt.device = device;
    if (!(await tf.setBackend(tfjsBackendName(candidate.name)))) {
      attempt.reason = `${candidate.packageName} loaded but its backend did not initialise`;
      return attempt;
    }
    await tf.ready();
    attempt.loaded = true;
  } catch (error) {
    attempt.reason = describeFailure(error, candidate);
  }
  return attempt;
}

/**
 * Picks the backend the way onnxruntime picks execution providers: each candidate in priority
 * order is loaded, the first that initialises wins, and each skipped one keeps its reason.
 * With `forced`, only that backend is tried, and failing to load it is an error.
 */
export async function selectBackend(forced?: BackendName): Promise<BackendSelection> {
  if (forced !== undefined && !backendPriority.includes(forced)) {
    throw new BackendUnavailableError(`Unknown backend '${forced}'; choose one of ${backendPriority.join(', ')}`);
  }
  const attempts: BackendAttempt[] = [];
  for (const candidate of candidates) {
    if (forced !== undefined && candidate.name !== forced) continue;
    const attempt = await tryCandidate(candidate, forced !== undefined);
    attempts.push(attempt);
    if (attempt.loaded) return { chosen: candidate.name, attempts };
  }
  if (forced !== undefined) {
    throw new BackendUnavailableError(`The ${forced} backend cannot run here: ${attempts[0]?.reason}`);
  }
  throw new BackendUnavailableError(`No backend could start: ${attempts.map((attempt) => attempt.reason).join('; ')}`);
}

/** One line per attempt: which backend runs, and why each other one was skipped. */
export function describeSelection(selection: BackendSelection): string[] {
  return selection.attempts.map((attempt) =>
    attempt.loaded
      ? `backend: ${attempt.name} (${attempt.packageName}${attempt.device === undefined ? '' : `, ${attempt.device}`})`
      : `skipped ${attempt.name}: ${attempt.reason}`,
  );
}
