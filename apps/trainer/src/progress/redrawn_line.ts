export interface RedrawnLine {
  /** Shows `line`: redrawn in place on a terminal; in a log, written whole when `logEverySeconds` have passed since the last, or when it is the `last`. */
  show(line: string, secondsElapsed: number, last: boolean): void;
  /** Prints a line of its own (a validation result) without breaking the redrawn one. */
  message(line: string): void;
  /** Ends the redrawn line, so that what follows starts on a line of its own. */
  done(): void;
}

/**
 * A line that a long run keeps rewriting. On a terminal it redraws in place; in a log file
 * (not a TTY) a full line is written every `logEverySeconds`, and the last one always.
 */
export function createRedrawnLine(
  stream: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean },
  logEverySeconds = 10,
): RedrawnLine {
  const interactive = stream.isTTY === true;
  let lastLogged = -Infinity;
  let drawn = false;
  return {
    show(line, secondsElapsed, last) {
      if (interactive) {
        stream.write(`\r${line}\u001b[K`);
        drawn = true;
      } else if (secondsElapsed - lastLogged >= logEverySeconds || last) {
        stream.write(`${line}\n`);
        lastLogged = secondsElapsed;
      }
    },
    message(line) {
      stream.write(`${interactive && drawn ? '\r\u001b[K' : ''}${line}\n`);
      drawn = false;
    },
    done() {
      if (interactive && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
