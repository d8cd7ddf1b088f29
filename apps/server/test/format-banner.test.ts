import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, describeServer, formatBanner } from '../src/index.js';
import { testKeyPair } from './http-client.js';

describe('startup banner', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'siphook-banner-'));
    await writeFile(path.join(dir, 'siphook-test-public-key.pem'), testKeyPair().publicKey);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('with signatures on and no test key: the dashboard URL, the simulate command and how to let it in', async () => {
    const server = await createServer({ port: 0, logLevel: 'silent' });
    try {
      const info = describeServer(server);
      expect(info.simulate).toBe(`npx siphook simulate ${server.url}/ --dtmf 1`);
      const text = formatBanner(info, { publicUrlGiven: false });
      expect(text).toContain(
        `Webhook URL for the sipgate.io dashboard (incoming and outgoing calls):\n  ${server.url}/\n`,
      );
      expect(text).toContain('--public-url https://<your-public-host>');
      expect(text).toContain('Signatures: ON');
      expect(text).toContain('npx siphook simulate keygen --out keys');
      expect(text).toContain('--no-signature');
      expect(text).toContain(`Prompts: ${server.url}/audio/ (5 files)`);
      // Every command works for an npm user too: no monorepo scripts.
      expect(text).toContain('npx siphook demo');
      expect(text).not.toMatch(/\bnpm (start|run)\b/);
    } finally {
      await server.close();
    }
  });

  it('with a keygen public key trusted: the simulate command signs with its private half', async () => {
    const server = await createServer({
      port: 0,
      logLevel: 'silent',
      trustKeys: ['siphook-test-public-key.pem'],
      cwd: dir,
    });
    try {
      const info = describeServer(server, dir);
      expect(info.signature).toEqual({ enabled: true, extraKeys: 1 });
      expect(info.simulate).toBe(
        `npx siphook simulate ${server.url}/ --dtmf 1 --sign-key siphook-test-private-key.pem`,
      );
      const text = formatBanner(info, { publicUrlGiven: true });
      expect(text).toContain("sipgate.io's key and 1 trusted key");
      expect(text).not.toContain('keygen');
      expect(text).not.toContain('--public-url');
    } finally {
      await server.close();
    }
  });

  it('with signatures off: says so, and the plain simulate command', async () => {
    const server = await createServer({ port: 0, logLevel: 'silent', signature: false });
    try {
      const text = formatBanner(describeServer(server), { publicUrlGiven: false });
      expect(text).toContain('Signatures: OFF');
      expect(text).toContain(`  npx siphook simulate ${server.url}/ --dtmf 1\n`);
    } finally {
      await server.close();
    }
  });
});
