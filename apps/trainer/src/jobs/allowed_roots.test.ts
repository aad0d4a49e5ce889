import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAllowedPath, resolveAllowedRoots } from './allowed_roots.js';
import { PathNotAllowedError } from './job_errors.js';

const base = mkdtempSync(path.join(tmpdir(), 'unet-roots-'));
const data = path.join(base, 'data');
const outside = path.join(base, 'outside');
mkdirSync(data);
mkdirSync(outside);
symlinkSync(outside, path.join(data, 'link-out'));

describe('checkAllowedPath', () => {
  const roots = resolveAllowedRoots([data]);
  it('accepts files inside a root, also ones that do not exist yet (outputs)', () => {
    expect(checkAllowedPath(path.join(data, 'a.png'), roots, 'input')).toBe(path.join(roots[0]!, 'a.png'));
    expect(checkAllowedPath(path.join(data, 'new', 'deeper', 'a.png'), roots, 'output')).toBe(
      path.join(roots[0]!, 'new', 'deeper', 'a.png'),
    );
  });
  it('refuses a path outside, through .. or through a link, naming the path and the roots', () => {
    for (const file of [
      path.join(outside, 'a.png'),
      path.join(data, '..', 'outside', 'a.png'),
      path.join(data, 'link-out', 'a.png'),
      '/etc/passwd',
    ]) {
      expect(() => checkAllowedPath(file, roots, 'input')).toThrow(PathNotAllowedError);
    }
    expect(() => checkAllowedPath('/etc/passwd', roots, 'input')).toThrow(
      `input /etc/passwd lies outside the folders this worker may use (${roots[0]})`,
    );
  });
  it('does not take a sibling with the root as its prefix for the root', () => {
    mkdirSync(`${data}-2`, { recursive: true });
    expect(() => checkAllowedPath(path.join(`${data}-2`, 'a.png'), roots, 'input')).toThrow(PathNotAllowedError);
  });
});

describe('resolveAllowedRoots', () => {
  it('refuses a root that does not exist', () => {
    expect(() => resolveAllowedRoots([path.join(base, 'nothing')])).toThrow(/--allow-root .*nothing: no such folder/);
  });
});
