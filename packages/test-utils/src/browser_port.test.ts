import { describe, expect, it } from 'vitest';
import { browserPort, chromiumAllowsPort } from './browser_port.js';

describe('browserPort', () => {
  it("never draws a port that Chromium refuses, such as SIP's 5060 and 5061", () => {
    expect(chromiumAllowsPort(5061)).toBe(false);
    expect(chromiumAllowsPort(5062)).toBe(true);
    const drawn = new Set<number>();
    for (let step = 0; step < 100; step++) drawn.add(browserPort(5059, 4, () => step / 100));
    expect([...drawn].sort()).toEqual([5059, 5062]);
  });

  it('stays in its range, and says so when Chromium refuses all of it', () => {
    expect(browserPort(4300, 500, () => 0)).toBe(4300);
    expect(browserPort(4300, 500, () => 0.999999)).toBe(4799);
    expect(() => browserPort(5060, 2)).toThrow(/refuses every port from 5060 to 5061/);
  });
});
