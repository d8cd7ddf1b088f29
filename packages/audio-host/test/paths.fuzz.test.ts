// Fuzz target: request targets against a real host on loopback (issue 12, "Also"). The root holds
// prompts, a file that is not audio, and symlinks (a file and a folder) that lead to a secret
// outside it. Whatever the target, the answer is 200 with exactly one served prompt's bytes, or
// a 4xx; never a 5xx, never the secret, never a file-system path. Fixed seed; the run count comes
// from SIPHOOK_FUZZ_RUNS (200 in `npm test`, more in `npm run fuzz`).
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudioHost, createAudioHost } from '../src/index.js';
import { listen, makeTempDir, makeWav, rawRequest } from './helpers.js';

const RUNS = Number(process.env.SIPHOOK_FUZZ_RUNS ?? 200);
const SECRET = 'SECRET-OUTSIDE-THE-ROOT';

// Pieces that traversal attacks are made of, plus the names that exist, so that the generator
// reaches real prompts, real symlinks and the checks between them.
const PIECES = [
  '/',
  '//',
  '.',
  '..',
  '/..',
  '/./',
  '%2e',
  '%2E',
  '%2f',
  '%2F',
  '%5c',
  '%25',
  '%252e',
  '%00',
  '%c0%ae',
  '%',
  '%zz',
  '\\',
  ':',
  '?',
  '#',
  ';',
  '&sig=',
  '?exp=1',
  'welcome.wav',
  'welcome',
  '.wav',
  'de',
  'de/menu.wav',
  'leak.wav',
  'linked',
  'secret.txt',
  'secret.wav',
  'notes.txt',
  '.siphook-cache',
  'C:',
  'http://127.0.0.1',
  'Begr%C3%BC%C3%9Fung.wav',
  'ü',
  '\u0001',
  '\t',
];

/** A request target: mostly built from pieces, sometimes any text (never CR or LF). */
const target = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.constantFrom(...PIECES), { maxLength: 8 })
      .map((parts) => `/${parts.join('')}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 40 })
      .map((text) => `/${text.replace(/[\r\n ]/g, '')}`),
  },
);

describe('fuzz: request targets', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let host: AudioHost;
  let http: Awaited<ReturnType<typeof listen>>;
  let served: Buffer[];

  beforeAll(async () => {
    temp = await makeTempDir('fuzz-paths');
    const root = join(temp.dir, 'root');
    await mkdir(join(root, 'de'), { recursive: true });
    await writeFile(join(temp.dir, 'secret.txt'), SECRET);
    await writeFile(
      join(temp.dir, 'secret.wav'),
      Buffer.concat([makeWav({ seconds: 0.1, seed: 220 }), Buffer.from(SECRET)]),
    );
    const welcome = makeWav({ seconds: 0.2, seed: 440 });
    const menu = makeWav({ seconds: 0.3, seed: 550 });
    const greeting = makeWav({ seconds: 0.2, seed: 660 });
    await writeFile(join(root, 'welcome.wav'), welcome);
    await writeFile(join(root, 'de', 'menu.wav'), menu);
    await writeFile(join(root, 'Begrüßung.wav'), greeting);
    await writeFile(join(root, 'notes.txt'), 'not audio');
    await symlink(join(temp.dir, 'secret.wav'), join(root, 'leak.wav'));
    await symlink(temp.dir, join(root, 'linked'));
    served = [welcome, menu, greeting];
    // The menu prompt is streamed from disk, the others come from memory.
    host = await createAudioHost({ root, publicUrl: 'http://127.0.0.1:1', maxMemoryBytes: 4000 });
    expect(host.prompts()).toHaveLength(3);
    http = await listen(host.handle);
  });
  afterAll(async () => {
    await http.close();
    await host.close();
    await temp.remove();
  });

  it('answers a served prompt or a 4xx, never a 5xx, the secret or a path', async () => {
    await fc.assert(
      fc.asyncProperty(target, async (path) => {
        const response = await rawRequest(http.port, path);
        expect(response.text).not.toContain(SECRET);
        expect(response.text).not.toContain(temp.dir);
        expect(response.status).toBeGreaterThanOrEqual(200);
        expect(response.status).toBeLessThan(500);
        if (response.status === 200) {
          expect(served.some((bytes) => bytes.equals(response.body))).toBe(true);
        } else {
          expect(response.status).toBeGreaterThanOrEqual(400);
        }
      }),
      { seed: 20_261_204, numRuns: RUNS },
    );
  });

  it('answers the same kind of thing through fetch', async () => {
    await fc.assert(
      fc.asyncProperty(target, async (path) => {
        let request: Request;
        try {
          request = new Request(`http://127.0.0.1${path}`);
        } catch {
          return; // not a URL at all: a framework would never hand it over
        }
        const response = await host.fetch(request);
        const body = Buffer.from(await response.arrayBuffer());
        expect(body.toString('latin1')).not.toContain(SECRET);
        expect(response.status).toBeLessThan(500);
        if (response.status === 200) expect(served.some((bytes) => bytes.equals(body))).toBe(true);
      }),
      { seed: 20_261_204, numRuns: RUNS },
    );
  });
});
