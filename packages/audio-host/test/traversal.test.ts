import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudioHost, createAudioHost } from '../src/index.js';
import { listen, makeTempDir, makeWav, rawRequest } from './helpers.js';

// The secret sits next to the root; every attack must come back 400 or 404 without its content,
// without any other file's content and without the file-system path in the answer.
const SECRET = `TOP-SECRET-${Math.random().toString(36).slice(2)}`;
const INSIDE = `INSIDE-BUT-NOT-AUDIO-${Math.random().toString(36).slice(2)}`;

const ATTACKS = [
  '/../secret.txt',
  '/../../../../etc/passwd',
  '/..%2fsecret.txt',
  '/%2e%2e/secret.txt',
  '/%2E%2E/secret.txt',
  '/.%2e/secret.txt',
  '/%2e%2e%2fsecret.txt',
  '/%2e%2e%5csecret.txt',
  '/..%5csecret.txt',
  '/..\\secret.txt',
  '/\\..\\secret.txt',
  '/%252e%252e/secret.txt',
  '/%252e%252e%252fsecret.txt',
  '/%25252e%25252e/secret.txt',
  '/secret.txt%00.wav',
  '/welcome.wav%00',
  '//etc/passwd',
  '/%2fetc%2fpasswd',
  '/C:/Windows/win.ini',
  '/C%3a%5cWindows%5cwin.ini',
  '/%c0%ae%c0%ae/secret.txt',
  '/%u002e%u002e/secret.txt',
  '/%e0%80%ae%e0%80%ae/secret.txt',
  '/./welcome.wav',
  '/sub/../../secret.txt',
  '/welcome.wav/../../secret.txt',
  '/..;/secret.txt',
  '/leak.wav',
  '/leak.00000000.wav',
  '/linked/secret.txt',
  '/linked/secret.wav',
  '/notes.txt',
  '/.hidden.wav',
  '/.siphook-cache/',
  'http://127.0.0.1/../secret.txt',
  '*',
  '/%',
  '/%zz',
  '/welcome.wav#/../secret.txt',
];

describe('request-target safety over real HTTP', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let root: string;
  let host: AudioHost;
  let http: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    temp = await makeTempDir('traversal');
    root = join(temp.dir, 'root');
    await mkdir(join(root, 'sub'), { recursive: true });
    await writeFile(join(temp.dir, 'secret.txt'), SECRET);
    await writeFile(
      join(temp.dir, 'secret.wav'),
      Buffer.concat([makeWav({ seconds: 0.1 }), Buffer.from(SECRET)]),
    );
    await writeFile(join(root, 'welcome.wav'), makeWav({ seconds: 0.5 }));
    await writeFile(join(root, 'notes.txt'), INSIDE);
    await writeFile(join(root, '.hidden.wav'), makeWav({ seconds: 0.2, seed: 300 }));
    // A symlinked file and a symlinked folder, both pointing out of the root.
    await symlink(join(temp.dir, 'secret.wav'), join(root, 'leak.wav'));
    await symlink(temp.dir, join(root, 'linked'));
    host = await createAudioHost({ root, publicUrl: 'http://127.0.0.1:1' });
    http = await listen(host.handle);
  });
  afterAll(async () => {
    await http.close();
    await host.close();
    await temp.remove();
  });

  it('serves only welcome.wav and reports the symlink out of the root', () => {
    expect(host.prompts().map((prompt) => prompt.name)).toEqual(['welcome.wav']);
    expect(host.refused()).toEqual([
      expect.objectContaining({ file: 'leak.wav', code: 'AUDIO_OUTSIDE_ROOT' }),
    ]);
  });

  it(`has at least 20 attacks (${ATTACKS.length})`, () => {
    expect(ATTACKS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(ATTACKS)('refuses %s with 400 or 404 and leaks nothing', async (target) => {
    const response = await rawRequest(http.port, target);
    expect([400, 404]).toContain(response.status);
    expect(response.text).not.toContain(SECRET);
    expect(response.text).not.toContain(INSIDE);
    expect(response.text).not.toContain(temp.dir);
    expect(response.text).not.toContain('RIFF');
    expect(response.headers['content-type'] ?? 'text/plain').not.toBe('audio/wav');
  });

  it('refuses a raw NUL byte in the request line', async () => {
    const response = await rawRequest(http.port, '/secret.txt\u0000.wav');
    expect(response.status).toBe(400);
    expect(response.text).not.toContain(SECRET);
  });

  it('still serves the legitimate prompt afterwards', async () => {
    const response = await rawRequest(http.port, '/welcome.wav');
    expect(response.status).toBe(200);
  });
});
