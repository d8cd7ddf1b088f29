import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAudioHost } from '../src/index.js';
import { listen, makeTempDir, makeWav, rawRequest } from './helpers.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const welcome = makeWav({ seconds: 0.5 });

beforeAll(async () => {
  temp = await makeTempDir('access');
  await writeFile(join(temp.dir, 'welcome.wav'), welcome);
});
afterAll(() => temp.remove());

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Basic auth', () => {
  it('answers 401 with WWW-Authenticate without or with wrong credentials, 200 with the right ones', async () => {
    const host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      basicAuth: { username: 'sipgate', password: 'correct horse' },
    });
    const http = await listen(host.handle);
    try {
      const none = await rawRequest(http.port, '/welcome.wav');
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Basic realm="siphook audio", charset="UTF-8"');
      for (const header of [
        basic('sipgate', 'wrong'),
        basic('sipgate', 'correct hors'),
        basic('sipgate', 'correct horse '),
        basic('other', 'correct horse'),
        'Basic !!!',
        'Bearer abc',
        basic('sipgate:correct', 'horse'),
        // Non-canonical base64 that lenient decoders read as the right credentials (issue 12.7).
        `${basic('sipgate', 'correct horse')}!!`,
        `${basic('sipgate', 'correct horse')}==`,
      ]) {
        const response = await rawRequest(http.port, '/welcome.wav', {
          headers: { Authorization: header },
        });
        expect(response.status, header).toBe(401);
        expect(response.body.includes(welcome.subarray(0, 44))).toBe(false);
      }
      // Unknown names also answer 401, so that nobody learns which prompts exist.
      expect((await rawRequest(http.port, '/nope.wav')).status).toBe(401);
      const ok = await rawRequest(http.port, '/welcome.wav', {
        headers: { Authorization: basic('sipgate', 'correct horse') },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers['cache-control']).toBe('private, max-age=60');
      expect(ok.body.equals(welcome)).toBe(true);
    } finally {
      await http.close();
      await host.close();
    }
  });
});

describe('signed URLs', () => {
  const signingSecret = 'a-signing-secret-of-32-characters';

  it('serves urlFor(name, { expiresIn }) until it expires, then answers 403', async () => {
    const host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1/',
      signingSecret,
    });
    const http = await listen(host.handle);
    try {
      const url = new URL(host.urlFor('welcome', { expiresIn: 60 }));
      expect(url.search).toMatch(/^\?exp=\d+&sig=[A-Za-z0-9_-]{43}$/);
      const target = url.pathname + url.search;
      const ok = await rawRequest(http.port, target);
      expect(ok.status).toBe(200);
      expect(ok.body.equals(welcome)).toBe(true);
      expect(ok.headers['cache-control']).toBe('private, max-age=31536000, immutable');

      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 61_000);
      const expired = await rawRequest(http.port, target);
      expect(expired.status).toBe(403);
      expect(expired.body.toString()).toContain('expired');
      vi.useRealTimers();

      const exp = url.searchParams.get('exp')!;
      const sig = url.searchParams.get('sig')!;
      const tampered = [
        url.pathname, // unsigned
        `${url.pathname}?exp=${Number(exp) + 1000}&sig=${sig}`, // longer life
        `${url.pathname}?exp=${exp}&sig=${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
        `${url.pathname}?exp=${exp}&sig=${sig}&sig=${sig}`,
        `/welcome.wav?exp=${exp}&sig=${sig}`, // signature of another name
        `${url.pathname}?exp=${exp}`,
      ];
      for (const attempt of tampered) {
        const response = await rawRequest(http.port, attempt);
        expect(response.status, attempt).toBe(403);
        expect(response.body.includes(welcome.subarray(0, 44))).toBe(false);
      }
      // Unknown names are refused before lookup: 403, not 404.
      expect((await rawRequest(http.port, '/nope.wav')).status).toBe(403);
    } finally {
      vi.useRealTimers();
      await http.close();
      await host.close();
    }
  });

  it('signs with the default lifetime when no expiresIn is given', async () => {
    const host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      signingSecret,
      defaultExpiresIn: 120,
    });
    const exp = Number(new URL(host.urlFor('welcome.wav')).searchParams.get('exp'));
    const now = Math.floor(Date.now() / 1000);
    expect(exp).toBeGreaterThanOrEqual(now + 119);
    expect(exp).toBeLessThanOrEqual(now + 121);
    await host.close();
  });

  it('refuses expiresIn without a signing secret, and unknown names', async () => {
    const host = await createAudioHost({ root: temp.dir, publicUrl: 'http://127.0.0.1:1' });
    expect(() => host.urlFor('welcome', { expiresIn: 60 })).toThrow(
      /expiresIn needs a signingSecret/,
    );
    expect(() => host.urlFor('goodbye')).toThrow(
      expect.objectContaining({ code: 'AUDIO_PROMPT_UNKNOWN' }),
    );
    await host.close();
  });
});

describe('listing', () => {
  it('serves a JSON manifest at / and /index.json only when enabled', async () => {
    const host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      listing: true,
    });
    const http = await listen(host.handle);
    try {
      for (const target of ['/', '/index.json']) {
        const response = await rawRequest(http.port, target);
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
        const manifest = JSON.parse(response.body.toString('utf8'));
        expect(manifest.prompts).toEqual([
          expect.objectContaining({
            name: 'welcome.wav',
            url: host.urlFor('welcome'),
            source: 'welcome.wav',
            converted: false,
            size: welcome.length,
          }),
        ]);
        expect(response.text).not.toContain(temp.dir);
      }
    } finally {
      await http.close();
      await host.close();
    }
  });
});

describe('options', () => {
  it('refuses bad options with every wrong field named', async () => {
    await expect(
      createAudioHost({
        root: temp.dir,
        publicUrl: 'ftp://example.com',
        basePath: '/a/../b',
        signingSecret: 'short',
      }),
    ).rejects.toMatchObject({
      code: 'OPTIONS_INVALID',
      issues: [
        expect.objectContaining({ path: 'publicUrl' }),
        expect.objectContaining({ path: 'basePath' }),
        expect.objectContaining({ path: 'signingSecret', received: '"(5 characters)"' }),
      ],
    });
  });

  it('refuses Basic-auth credentials the shared schema refuses, without showing the password', async () => {
    const error = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      basicAuth: { username: 'sip:gate', password: 'hunter2hunter2', realm: 'x' } as never,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'OPTIONS_INVALID',
      issues: [
        expect.objectContaining({ path: 'basicAuth.username', received: '"sip:gate"' }),
        expect.objectContaining({ code: 'FIELD_UNKNOWN', path: 'basicAuth.realm' }),
      ],
    });
    await expect(
      createAudioHost({
        root: temp.dir,
        publicUrl: 'http://127.0.0.1:1',
        basicAuth: { username: 'sipgate', password: '' },
      }),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'basicAuth.password', received: '"(hidden)"' })],
    });
    expect(JSON.stringify(error)).not.toContain('hunter2');
  });

  it('refuses a root that is not a folder', async () => {
    await expect(
      createAudioHost({ root: join(temp.dir, 'welcome.wav'), publicUrl: 'http://x' }),
    ).rejects.toMatchObject({
      code: 'AUDIO_ROOT_INVALID',
    });
    await expect(
      createAudioHost({ root: join(temp.dir, 'missing'), publicUrl: 'http://x' }),
    ).rejects.toMatchObject({
      code: 'AUDIO_ROOT_INVALID',
    });
  });
});
