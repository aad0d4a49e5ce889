import type { OnnxRuntimeModule } from '@unet/onnx';

/** How to install onnxruntime-node: its CPU build is inside the npm package, so its script can stay off. */
export const onnxRuntimeInstallHint =
  'install it without its install script (the CPU build is in the package): npm install --ignore-scripts onnxruntime-node@1.30.0; docs/onnx.md has the CUDA provider';

export interface LoadedOnnxRuntime {
  runtime: OnnxRuntimeModule;
  version: string;
}

/**
 * onnxruntime-node, when installed. It is optional, as tfjs-node is: the trainer imports it
 * only for --engine onnxruntime and to check an export, and says how to install it otherwise.
 */
export async function loadOnnxRuntime(): Promise<LoadedOnnxRuntime> {
  let loaded: OnnxRuntimeModule & { env?: { versions?: { node?: string; common?: string } } };
  try {
    const imported = (await import('onnxruntime-node' as string)) as { default?: unknown };
    loaded = (imported.default ?? imported) as typeof loaded;
  } catch (error) {
    throw new OnnxRuntimeMissingError(
      `onnxruntime-node is not installed (${(error as Error).message.split('\n')[0]}); ${onnxRuntimeInstallHint}`,
    );
  }
  return { runtime: loaded, version: loaded.env?.versions?.node ?? loaded.env?.versions?.common ?? 'unknown' };
}

/** onnxruntime-node could not be loaded; the message says how to install it. */
export class OnnxRuntimeMissingError extends Error {
  override readonly name = 'OnnxRuntimeMissingError';
}
