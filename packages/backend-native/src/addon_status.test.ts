import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const distIndex = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const distStatus = fileURLToPath(new URL('../dist/addon_status.js', import.meta.url));

function runNode(source: string, environment: Record<string, string>) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    env: { ...process.env, ...environment },
    encoding: 'utf8',
  });
}

// In a child process, so that the addon can be hidden (UNET_NATIVE_DISABLE=1 takes the same
// path as a missing or unloadable file) without touching this process's tfjs engine.
describe('without the addon', () => {
  it('importing the package throws NativeAddonMissingError naming the fix', () => {
    const result = runNode(
      `try { await import(${JSON.stringify(distIndex)}); console.log('loaded'); } catch (error) { console.log(error.name + ': ' + error.message); }`,
      { UNET_NATIVE_DISABLE: '1' },
    );
    expect(result.stdout).toContain('NativeAddonMissingError');
    expect(result.stdout).toContain('UNET_NATIVE_DISABLE=1');
    expect(result.stdout).toContain('apt-get install -y libdnnl-dev');
    expect(result.stdout).not.toContain('loaded');
  });

  it('nativeAddonStatus reports the reason instead of throwing', () => {
    const result = runNode(
      `const { nativeAddonStatus } = await import(${JSON.stringify(distStatus)}); console.log(JSON.stringify(nativeAddonStatus()));`,
      { UNET_NATIVE_DISABLE: '1' },
    );
    expect(JSON.parse(result.stdout)).toEqual({ available: false, reason: 'UNET_NATIVE_DISABLE=1 is set in the environment' });
  });
});
