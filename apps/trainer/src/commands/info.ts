import { parseArgs } from 'node:util';
import { backendPriority, selectBackend, type BackendAttempt } from '../backends/select_backend.js';

export const infoHelp = `unet info: the backends that load here, the one chosen, and why others were skipped

Usage: unet info [--json]
`;

export async function infoCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.help) {
    print(infoHelp);
    return;
  }
  // Try every backend (not only up to the first that loads) so the report is complete; the
  // chosen one is the first in priority order that loaded.
  const attempts: BackendAttempt[] = [];
  for (const name of backendPriority) {
    try {
      attempts.push(...(await selectBackend(name)).attempts);
    } catch (error) {
      attempts.push({ name, packageName: '', loaded: false, reason: (error as Error).message });
    }
  }
  const chosen = attempts.find((attempt) => attempt.loaded)?.name ?? null;
  if (chosen !== null) await selectBackend(chosen);
  if (values.json) {
    print(JSON.stringify({ chosen, backends: attempts }));
    return;
  }
  for (const attempt of attempts) {
    const mark = attempt.name === chosen ? '*' : attempt.loaded ? '+' : '-';
    print(`${mark} ${attempt.name.padEnd(15)} ${attempt.loaded ? 'loads' : attempt.reason}`);
  }
  print(chosen === null ? 'no backend loads' : `chosen: ${chosen} (* chosen, + also loads, - skipped)`);
}
