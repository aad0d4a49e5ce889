import { UsageError } from '../usage_error.js';

/** Where the Redis (or Valkey) server of a queue is, as ioredis takes it. */
export interface RedisAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
}

/** `redis://[USER:PASSWORD@]HOST[:PORT][/DB]` (port 6379 and database 0 by default). */
export function parseQueueUrl(url: string): RedisAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue ${url}: not a URL; write redis://HOST:PORT/DB, e.g. redis://localhost:6379/0`);
  }
  if (parsed.protocol !== 'redis:') {
    throw new UsageError(
      `--queue ${url}: the queue runs on Redis or Valkey, so the URL starts with redis://, e.g. redis://localhost:6379/0`,
    );
  }
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new UsageError(`--queue ${url}: database '${dbText}' is not a whole number >= 0`);
  if (parsed.hostname === '') throw new UsageError(`--queue ${url}: no host; write redis://HOST:PORT/DB`);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
  };
}
