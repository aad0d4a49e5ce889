import { describe, expect, it } from 'vitest';
import { createRedrawnLine } from './redrawn_line.js';

describe('createRedrawnLine', () => {
  it('redraws in place on a terminal, clears it for a message, and ends it with a newline', () => {
    const written: string[] = [];
    const line = createRedrawnLine({ isTTY: true, write: (text: string) => written.push(text) });
    line.show('a', 0, false);
    line.show('b', 0.1, false);
    line.message('note');
    line.show('c', 0.2, true);
    line.done();
    line.done();
    expect(written).toEqual(['\ra\u001b[K', '\rb\u001b[K', '\r\u001b[Knote\n', '\rc\u001b[K', '\n']);
  });

  it('writes whole lines to a log every so many seconds, and the last one always', () => {
    const written: string[] = [];
    const line = createRedrawnLine({ write: (text: string) => written.push(text) }, 10);
    for (const seconds of [1, 5, 11, 12, 21.5]) line.show(`at ${seconds}`, seconds, false);
    line.show('end', 22, true);
    line.message('note');
    line.done();
    expect(written).toEqual(['at 1\n', 'at 11\n', 'at 21.5\n', 'end\n', 'note\n']);
  });
});
