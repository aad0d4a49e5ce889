import { existsSync } from 'node:fs';

// SwiftShader, the software Vulkan driver that Debian's chromium ships: on a machine without a
// GPU it is the adapter the webgpu suites run on (slow, but the same WGSL as on a GPU).
const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * The Vulkan driver the webgpu tests use: VK_ICD_FILENAMES where it is set, else SwiftShader
 * where chromium put it, else none (Dawn then finds whatever the system has).
 */
export const vulkanDriver: string | undefined = process.env.VK_ICD_FILENAMES ?? (existsSync(swiftShaderIcd) ? swiftShaderIcd : undefined);

/** Environment variables that give a child process (e.g. `unet ... --backend webgpu`) the same driver. */
export function vulkanEnvironment(): Record<string, string> {
  return vulkanDriver === undefined ? {} : { VK_ICD_FILENAMES: vulkanDriver };
}

/** Dawn's GPU object, for a test that installs it as navigator.gpu. */
export interface DawnGpu {
  requestAdapter: () => Promise<object | null>;
}

/**
 * Loads Dawn (the `webgpu` package) on vulkanDriver, puts its globals (GPUBufferUsage, ...) on
 * globalThis and asks it for an adapter. Returns why a webgpu test cannot run here, or the GPU
 * object when it can.
 */
export async function openDawn(): Promise<{ unavailable: string } | { gpu: DawnGpu }> {
  if (vulkanDriver !== undefined) process.env.VK_ICD_FILENAMES = vulkanDriver;
  try {
    const dawn = (await import('webgpu')) as unknown as { create: (options: string[]) => DawnGpu; globals: Record<string, unknown> };
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    if ((await gpu.requestAdapter()) === null) {
      return {
        unavailable: 'Dawn found no WebGPU adapter (install libvulkan1 and a Vulkan driver; without a GPU, chromium for SwiftShader)',
      };
    }
    return { gpu };
  } catch (error) {
    return { unavailable: `the webgpu package (Dawn) did not load: ${(error as Error).message}` };
  }
}
