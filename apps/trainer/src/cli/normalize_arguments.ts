/**
 * The arguments as node's parseArgs should see them: `-h` is `--help`, and a negative number
 * after an option is that option's value (`--steps -3` becomes `--steps=-3`), so that the
 * option's own check answers ("must be a positive integer") instead of parseArgs's "argument is
 * ambiguous".
 */
export function normalizeArguments(args: readonly string[]): string[] {
  const result: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const next = args[index + 1];
    if (arg === '-h') result.push('--help');
    else if (/^--[a-z][a-z0-9-]*$/.test(arg) && next !== undefined && /^-\d/.test(next)) {
      result.push(`${arg}=${next}`);
      index++;
    } else result.push(arg);
  }
  return result;
}
