import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { redisUnavailableReason, startRedisServer } from './redis_server.js';

/** One inline command over a plain socket, its first reply line. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let reply = '';
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const lines = reply.split('\r\n');
      // A bulk reply ($N) has its value on the next line.
      if (lines.length >= 2 && (!lines[0]!.startsWith('$') || lines[0] === '$-1' || lines.length >= 3)) {
        socket.destroy();
        resolve(lines[0]!.startsWith('$') && lines[0] !== '$-1' ? lines[1]! : lines[0]!);
      }
    });
    socket.connect(port, '127.0.0.1', () => socket.write(`${line}\r\n`));
  });
}

describe('startRedisServer', () => {
  it('starts a Redis that keeps its data across a restart (AOF) and stops it', async (context) => {
    const reason = redisUnavailableReason();
    if (reason !== undefined) context.skip(reason);
    const server = await startRedisServer();
    try {
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}/0`);
      expect(await command(server.port, 'SET unet-test kept')).toBe('+OK');
      await server.restart();
      expect(await command(server.port, 'GET unet-test')).toBe('kept');
    } finally {
      await server.stop();
    }
    await expect(command(server.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
  }, 30_000);
});
