import { describe, expect, it } from 'vitest';
import { ConnectedComponentsError, labelConnectedComponents } from './connected_components.js';

// Two 2x2 squares that touch only at a corner, (1,1) and (2,2):
//   1 1 0 0
//   1 1 0 0
//   0 0 1 1
//   0 0 1 1
const diagonalSquares = new Uint8Array([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);

describe('labelConnectedComponents', () => {
  it('keeps squares that touch at a corner apart with 4-connectivity', () => {
    const { labels, count } = labelConnectedComponents(diagonalSquares, 4, 4, 4);
    expect(count).toBe(2);
    expect(Array.from(labels)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 2, 2, 0, 0, 2, 2]);
  });

  it('joins them with 8-connectivity', () => {
    const { labels, count } = labelConnectedComponents(diagonalSquares, 4, 4, 8);
    expect(count).toBe(1);
    expect(Array.from(labels)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it('defaults to 4-connectivity', () => {
    expect(labelConnectedComponents(diagonalSquares, 4, 4).count).toBe(2);
  });

  it('follows a U shape into one component and numbers components in scan order', () => {
    // 1 0 1 0 2
    // 1 0 1 0 0
    // 1 1 1 0 3
    const mask = [1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1];
    const { labels, count } = labelConnectedComponents(mask, 3, 5);
    expect(count).toBe(3);
    expect(Array.from(labels)).toEqual([1, 0, 1, 0, 2, 1, 0, 1, 0, 0, 1, 1, 1, 0, 3]);
  });

  it('labels an empty mask with zeros and a count of 0', () => {
    const { labels, count } = labelConnectedComponents(new Uint8Array(6), 2, 3);
    expect(count).toBe(0);
    expect(Array.from(labels)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('labels one large component without overflowing the stack', () => {
    const { count } = labelConnectedComponents(new Uint8Array(512 * 512).fill(1), 512, 512);
    expect(count).toBe(1);
  });

  it('rejects a wrong length and an unknown connectivity', () => {
    expect(() => labelConnectedComponents(new Uint8Array(5), 2, 3)).toThrow(ConnectedComponentsError);
    expect(() => labelConnectedComponents(new Uint8Array(5), 2, 3)).toThrow(/5 values/);
    expect(() => labelConnectedComponents(new Uint8Array(6), 2, 3, 6 as 4)).toThrow(/must be 4 or 8, got 6/);
  });
});
