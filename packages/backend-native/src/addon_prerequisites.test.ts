import { describe, expect, it } from 'vitest';
import { findPrerequisites, installAdvice, type Machine } from '../scripts/addon_prerequisites.mjs';

// A machine made of the given files and commands.
function machine(files: string[], commands: string[], env: Record<string, string> = {}): Machine {
  return {
    env,
    execPath: '/opt/node/bin/node',
    exists: (path) => files.includes(path),
    runs: (command) => commands.includes(command),
  };
}

const nodeHeaders = ['/opt/node/include/node/node_api.h', '/opt/node/include/node/common.gypi'];
const nodeGyp = '/opt/node/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js';
const tools = ['g++', 'make', 'python3'];

describe('findPrerequisites', () => {
  it("finds the system oneDNN, Node headers and npm's node-gyp", () => {
    expect(findPrerequisites(machine([...nodeHeaders, nodeGyp, '/usr/include/oneapi/dnnl/dnnl.hpp'], tools))).toEqual({
      found: true,
      nodeGyp,
      nodeDir: '/opt/node',
      dnnlInclude: '/usr/include',
      dnnlLib: '',
    });
  });

  it('prefers UNET_DNNL_ROOT, with its lib folder (a oneDNN built from source)', () => {
    const files = [
      ...nodeHeaders,
      nodeGyp,
      '/usr/include/oneapi/dnnl/dnnl.hpp',
      '/tmp/dnnl3/include/oneapi/dnnl/dnnl.hpp',
      '/tmp/dnnl3/lib64/libdnnl.so',
    ];
    expect(findPrerequisites(machine(files, tools, { UNET_DNNL_ROOT: '/tmp/dnnl3' }))).toMatchObject({
      found: true,
      dnnlInclude: '/tmp/dnnl3/include',
      dnnlLib: '/tmp/dnnl3/lib64',
    });
  });

  it('says in one line what to install when oneDNN or a tool is missing', () => {
    const noOneDnn = findPrerequisites(machine([...nodeHeaders, nodeGyp], tools));
    expect(noOneDnn).toEqual({ found: false, reason: `oneDNN's headers (oneapi/dnnl/dnnl.hpp) are missing; ${installAdvice}` });
    expect(installAdvice).toContain('apt-get install -y libdnnl-dev g++');
    expect(findPrerequisites(machine([...nodeHeaders, nodeGyp], ['make', 'python3']))).toEqual({
      found: false,
      reason: `no C++ compiler (g++); ${installAdvice}`,
    });
    expect(findPrerequisites(machine([...nodeHeaders, nodeGyp], ['g++', 'python3']))).toMatchObject({
      found: false,
      reason: expect.stringMatching(/^no make/),
    });
    expect(findPrerequisites(machine([nodeGyp], tools))).toMatchObject({
      found: false,
      reason: expect.stringMatching(/^Node's headers are not in \/opt\/node\/include\/node/),
    });
    const bad = findPrerequisites(machine([...nodeHeaders, nodeGyp], tools, { UNET_DNNL_ROOT: '/nowhere' }));
    expect(bad).toMatchObject({
      found: false,
      reason: expect.stringContaining('/nowhere (UNET_DNNL_ROOT or DNNLROOT) has no include/oneapi/dnnl/dnnl.hpp'),
    });
    for (const result of [noOneDnn, bad]) expect((result as { reason: string }).reason).not.toContain('\n');
  });

  it('honours UNET_NATIVE_SKIP_ADDON=1', () => {
    expect(findPrerequisites(machine([...nodeHeaders, nodeGyp], tools, { UNET_NATIVE_SKIP_ADDON: '1' }))).toMatchObject({
      found: false,
      reason: expect.stringContaining('UNET_NATIVE_SKIP_ADDON=1'),
    });
  });
});
