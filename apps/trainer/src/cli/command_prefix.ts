import path from 'node:path';

/**
 * How to write a follow-up command so that it runs the way this one was started: `pnpm unet`
 * from the workspace (the root's `unet` script, or `pnpm start`), `node FILE` for a bare file,
 * `unet` for an installed command.
 */
export function commandPrefix(environment: NodeJS.ProcessEnv = process.env, script = process.argv[1] ?? ''): string {
  if (environment.npm_lifecycle_event === 'unet') return 'pnpm unet';
  const file = path.basename(script);
  if (file === 'cli.js' || file === 'unet.js') return `node ${path.relative(process.cwd(), script) || file}`;
  return 'unet';
}
