import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from './process_alive.js';

describe('isProcessAlive', () => {
  it('is true for this process and false for one that has ended', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const ended = spawnSync(process.execPath, ['-e', '0']);
    expect(ended.status).toBe(0);
    expect(isProcessAlive(ended.pid!)).toBe(false);
  });
});
