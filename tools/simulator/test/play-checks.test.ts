import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCall } from '../src/index.js';
import { makeWav } from './wav-fixture.js';

// The Play URLs of one answer are checked a few at a time, not one after another: the server
// counts how many audio requests it holds at once.
const wav = makeWav({ sampleRate: 8000, seconds: 0.5 });
let server: Server;
let base: string;
let active = 0;
let mostAtOnce = 0;
const audioPaths: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith('/audio/')) {
      audioPaths.push(path);
      active += 1;
      mostAtOnce = Math.max(mostAtOnce, active);
      // Held until a later request arrives or a short while passes, so overlap is visible.
      setTimeout(() => {
        active -= 1;
        res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav);
      }, 150);
      return;
    }
    if (path === '/dtmf') {
      res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end('<Response><Hangup/></Response>');
      return;
    }
    const plays = Array.from(
      { length: 10 },
      (_, index) => `<Play><Url>${base}/audio/${index % 8}.wav</Url></Play>`,
    ).join('');
    res
      .writeHead(200, { 'content-type': 'application/xml' })
      .end(
        `<Response>${plays}<Gather onData="${base}/dtmf"><Play><Url>${base}/audio/9.wav</Url></Play></Gather><Play><Url>${base}/audio/never.wav</Url></Play></Response>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('Play checks', () => {
  it('run up to four at a time, each URL once per answer, in the order of the actions', async () => {
    const report = await simulateCall(base, { dtmf: [''] });
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(4);
    const checks = report.checks.filter((check) => check.code === 'PLAY_AUDIO');
    // Eight distinct URLs and the one in the Gather; nothing after the Gather is fetched.
    expect(audioPaths.toSorted()).toEqual([
      ...Array.from({ length: 8 }, (_, index) => `/audio/${index}.wav`),
      '/audio/9.wav',
    ]);
    expect(report.plays.map((play) => play.url)).toEqual([
      ...Array.from({ length: 10 }, (_, index) => `${base}/audio/${index % 8}.wav`),
      `${base}/audio/9.wav`,
    ]);
    expect(checks.every((check) => check.ok)).toBe(true);
    expect(checks).toHaveLength(11);
    expect(report.ok).toBe(true);
  });
});
