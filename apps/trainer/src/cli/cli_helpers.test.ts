import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandPrefix } from './command_prefix.js';
import { trainerVersion } from './cli_version.js';
import { editDistance, flagsInHelp, nearestFlag } from './nearest_flag.js';
import { normalizeArguments } from './normalize_arguments.js';

describe('nearestFlag', () => {
  const known = flagsInHelp('  --steps N  steps\n  --preset NAME\n  --out DIR  (see --steps)\n  --tta');
  it('reads the flags a help text lists, once each', () => {
    expect(known).toEqual(['--steps', '--preset', '--out', '--tta']);
  });

  it('suggests the flag that was meant, and nothing for a word far from all', () => {
    expect(nearestFlag('--stpes', known)).toBe('--steps');
    expect(nearestFlag('--presett', known)).toBe('--preset');
    expect(nearestFlag('--learning-rate', known)).toBeUndefined();
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('steps', 'stpes')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('normalizeArguments', () => {
  it('turns -h into --help and joins a negative number to its option', () => {
    expect(normalizeArguments(['train', '-h'])).toEqual(['train', '--help']);
    expect(normalizeArguments(['--steps', '-3', '--lr', '0.1'])).toEqual(['--steps=-3', '--lr', '0.1']);
    expect(normalizeArguments(['--tta', 'image.png'])).toEqual(['--tta', 'image.png']);
  });
});

describe('commandPrefix', () => {
  it('is pnpm unet from the workspace script, node FILE for a file, unet when installed', () => {
    expect(commandPrefix({ npm_lifecycle_event: 'unet' }, '/repo/apps/trainer/dist/cli.js')).toBe('pnpm unet');
    expect(commandPrefix({}, `${process.cwd()}/dist-bundle/unet.js`)).toBe('node dist-bundle/unet.js');
    expect(commandPrefix({}, '/usr/local/bin/unet')).toBe('unet');
  });
});

describe('trainerVersion', () => {
  it("is @unet/trainer's package.json version", async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(trainerVersion()).toBe(version);
  });
});
