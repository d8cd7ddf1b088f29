import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSiphookError } from '@siphook/schema';
import { describe, expect, it } from 'vitest';
import { createServer } from '../src/index.js';
import { post, send } from './http-client.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('HTTPS', () => {
  it.skipIf(!hasOpenssl())(
    'serves pushes and prompts over TLS with a certificate from files',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'siphook-tls-'));
      try {
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-subj',
            '/CN=localhost',
            '-days',
            '1',
            '-keyout',
            path.join(dir, 'key.pem'),
            '-out',
            path.join(dir, 'cert.pem'),
          ],
          { stdio: 'ignore' },
        );
        const server = await createServer({
          port: 0,
          signature: false,
          logLevel: 'silent',
          tls: { cert: 'cert.pem', key: 'key.pem' },
          cwd: dir,
        });
        try {
          expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
          const reply = await post(
            server.url,
            'event=newCall&direction=in&from=1&to=2&callId=tls&user%5B%5D=A',
          );
          expect(reply.status).toBe(200);
          expect(reply.body).toContain(`<Url>${server.url}/audio/welcome`);
          expect((await send(`${server.url}/healthz`)).status).toBe(200);
        } finally {
          await server.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('names a certificate file that cannot be read', async () => {
    const error = await createServer({
      port: 0,
      logLevel: 'silent',
      tls: { cert: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' },
    }).catch((e: unknown) => e);
    expect(isSiphookError(error, 'CONFIG_READ')).toBe(true);
    expect((error as Error).message).toContain('tls.cert');
  });
});
