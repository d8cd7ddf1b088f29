import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestKeyPair, probeServer } from '../src/index.js';

// A bad server: accepts anything unsigned, crashes (500) on garbage, drops the connection on a
// large body, and demands Basic auth on /auth without checking the password.
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 100_000) {
        req.socket.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1');
      if (req.url === '/auth' && !req.headers.authorization) {
        res.writeHead(200, { 'content-type': 'application/xml' }).end('<Response/>');
        return;
      }
      if (!body.startsWith('event=') && !body.startsWith('{')) {
        res.writeHead(500).end('TypeError: cannot read properties of undefined');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/xml' }).end('<Response/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function verdicts(report: Awaited<ReturnType<typeof probeServer>>) {
  return Object.fromEntries(
    report.checks.map((check) => [check.name, check.ok ? 'ok' : check.message]),
  );
}

describe('probeServer against a server that refuses nothing', () => {
  it('fails every probe, each with what it received', async () => {
    const report = await probeServer(`${base}/`, { expectSignature: true, timeoutMs: 10_000 });
    expect(report.ok).toBe(false);
    const result = verdicts(report);
    expect(result['unsigned newCall refused']).toMatch(/^expected 401 or 403; received 200 /);
    expect(result['tampered newCall refused']).toMatch(/^expected 401 or 403; received 200 /);
    expect(result['JSON body refused']).toMatch(/^expected a 4xx; received 200 /);
    expect(result['garbage body refused']).toMatch(/^expected a 4xx; received 500 /);
    expect(result['newCall without callId refused']).toMatch(/^expected a 4xx; received 200 /);
    expect(result['unknown event refused']).toMatch(/^expected a 4xx; received 200 /);
    expect(result['1 MiB body refused']).toMatch(/^expected a 4xx; received no answer: /);
  });

  it('with a key, a signed newCall goes first; here it is accepted and the refusals still fail', async () => {
    const keys = generateTestKeyPair({ modulusLength: 1024 });
    const report = await probeServer(`${base}/`, { signKey: keys.privateKey, timeoutMs: 10_000 });
    // This server accepts everything, so the signed push passes and the refusals fail.
    expect(verdicts(report)['signed newCall accepted']).toBe('ok');
    expect(verdicts(report)['unsigned newCall refused']).not.toBe('ok');
  });

  it('skips signature probes when signatures are not expected, and probes Basic auth when given', async () => {
    const report = await probeServer(`${base}/auth`, {
      basicAuth: { username: 'a', password: 'b' },
      timeoutMs: 10_000,
    });
    const names = report.checks.map((check) => check.name);
    expect(names).not.toContain('unsigned newCall refused');
    expect(report.steps.some((step) => step.text.startsWith('signature probes skipped'))).toBe(
      true,
    );
    expect(verdicts(report)['newCall without credentials refused']).toMatch(
      /^expected 401; received 200/,
    );
  });
});
