import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage_error.js';
import { parseQueueUrl } from './queue_url.js';

describe('parseQueueUrl', () => {
  it('reads host, port, database and credentials, with Redis defaults', () => {
    expect(parseQueueUrl('redis://localhost:6380/2')).toEqual({ host: 'localhost', port: 6380, db: 2 });
    expect(parseQueueUrl('redis://redis')).toEqual({ host: 'redis', port: 6379, db: 0 });
    expect(parseQueueUrl('redis://me:p%40ss@10.0.0.5:7000/1')).toEqual({
      host: '10.0.0.5',
      port: 7000,
      db: 1,
      username: 'me',
      password: 'p@ss',
    });
  });
  it('refuses what is not a redis:// URL, saying how to write one', () => {
    expect(() => parseQueueUrl('localhost:6379')).toThrow(UsageError);
    expect(() => parseQueueUrl('http://localhost:6379')).toThrow(/starts with redis:\/\//);
    expect(() => parseQueueUrl('nonsense')).toThrow(/not a URL; write redis:\/\/HOST:PORT\/DB/);
    expect(() => parseQueueUrl('redis://localhost/x')).toThrow(/database 'x' is not a whole number/);
  });
});
