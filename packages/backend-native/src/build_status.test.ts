import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findPrerequisites } from '../scripts/addon_prerequisites.mjs';

const statusFile = new URL('../dist/native/addon_status.json', import.meta.url);

// The build never fails because of the addon (it records why instead), so that a compile error
// with oneDNN present is not missed, this fails where everything the build needs is here.
describe('the addon build', () => {
  it('built the addon where oneDNN, a compiler and node-gyp are present', (context) => {
    const prerequisites = findPrerequisites();
    if (!prerequisites.found) {
      context.skip(`the addon cannot be built here: ${prerequisites.reason}`);
      return;
    }
    if (!existsSync(statusFile)) {
      context.skip('dist/native/addon_status.json is absent (the package has not been built)');
      return;
    }
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as { built: boolean; reason: string | null };
    if (status.reason?.includes('UNET_NATIVE_SKIP_ADDON=1')) {
      context.skip(status.reason);
      return;
    }
    expect(status.reason).toBeNull();
    expect(status.built).toBe(true);
  });
});
