import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { type PushOutcome, postKeepAlive } from '@siphook/test-services';
import { describe, expect, it } from 'vitest';
import { createServer } from '../src/index.js';

const NEW_CALL = 'event=newCall&direction=in&from=492111234567&to=4915791234567&callId=load';

describe('shutdown of a real server process under keep-alive load', { timeout: 30_000 }, () => {
  it('answers every request it took in when SIGTERM comes mid-load (Connection: close, no cut requests)', async () => {
    const child = spawn(
      process.execPath,
      [new URL('./fixtures/serve-until-sigterm.mjs', import.meta.url).pathname],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = once(child, 'exit');
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const url = new URL(line.toString().trim());
    const outcomes: Record<PushOutcome, number> = { answered: 0, refused: 0, lost: 0 };
    const loadMs = 6000;
    const started = Date.now();
    // Each client keeps one connection alive and sends back to back, as a busy proxy would.
    const clients = Array.from({ length: 16 }, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (Date.now() - started < loadMs) {
          const outcome = await postKeepAlive(url, agent, NEW_CALL);
          outcomes[outcome]++;
          if (outcome === 'refused') break;
        }
      } finally {
        agent.destroy();
      }
    });
    setTimeout(() => child.kill('SIGTERM'), loadMs / 2);
    await Promise.all(clients);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(outcomes.answered).toBeGreaterThan(100);
    expect(outcomes.lost).toBe(0);
  });
});

describe('HTTP time limits', { timeout: 30_000 }, () => {
  it('answers 408 to a client that sends its headers too slowly, 10 to 11 s after it connected', async () => {
    const server = await createServer({ port: 0, signature: false, logLevel: 'silent' });
    try {
      const { port } = new URL(server.listenUrl);
      const started = performance.now();
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
      // A header line every second: never idle, never done.
      const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 1000);
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
      });
      socket.on('error', () => {});
      await once(socket, 'close');
      clearInterval(drip);
      const elapsed = performance.now() - started;
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(elapsed).toBeGreaterThanOrEqual(9_900);
      expect(elapsed).toBeLessThanOrEqual(11_500);
    } finally {
      await server.close();
    }
  });
});
