import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findEspeakNg } from '@siphook/tts';
import { checkPlayable, inspectWav } from '@siphook/wav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../test/cli-harness.js';

const HAVE_ESPEAK = await findEspeakNg().then(
  () => true,
  () => false,
);
if (!HAVE_ESPEAK)
  console.warn(
    'espeak-ng is missing: the siphook tts tests that speak are skipped (Debian package espeak-ng)',
  );

const BIN = fileURLToPath(new URL('../../bin/siphook.js', import.meta.url));

let dir: string;
const path = (...names: string[]) => join(dir, ...names);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-cli-tts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the real bin with `input` on stdin. */
function spawnBin(args: string[], input: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

describe('siphook tts: refusals (no engine needed)', () => {
  it('refuses empty text, over-long text and control characters with exit status 1', async () => {
    for (const [text, message] of [
      ['', /text: expected a text to speak \(not empty\)/],
      ['a'.repeat(2001), /expected at most 2000 characters to speak \(this text has 2001/],
      ['Hallo\u0007', /found U\+0007 at index 5/],
    ] as const) {
      const result = await run(['tts', text, '-o', path('x.wav')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('names the engine and how to install it when it is missing (exit status 2)', async () => {
    const result = await run([
      'tts',
      'Hallo',
      '-o',
      path('x.wav'),
      '--engine-cmd',
      'no-such-tts-program {out}',
      '--json',
    ]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      error: {
        code: 'TTS_ENGINE_NOT_FOUND',
        message: expect.stringContaining('no-such-tts-program'),
      },
    });
  });

  it('treats --engine command without --engine-cmd, and text with --file, as usage errors', async () => {
    const noCommand = await run(['tts', 'Hallo', '-o', path('x.wav'), '--engine', 'command']);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toContain('--engine-cmd');
    const both = await run(['tts', 'Hallo', '-f', path('t.txt'), '-o', path('x.wav')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
    const missing = await run(['tts', '-f', path('missing.txt'), '-o', path('x.wav')]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('no such file') });
  });

  it('refuses a text file that is not UTF-8 (exit status 1)', async () => {
    await writeFile(path('latin1.txt'), Buffer.from('Gr\xfc\xdfe', 'latin1'));
    const result = await run(['tts', '-f', path('latin1.txt'), '-o', path('x.wav')]);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('not valid UTF-8') });
  });
});

describe.skipIf(!HAVE_ESPEAK)('siphook tts with espeak-ng', () => {
  it('speaks the argument into a playable prompt and prints one line', async () => {
    const result = await run([
      'tts',
      'Willkommen bei siphook.',
      '--voice',
      'de',
      '-o',
      path('a.wav'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^.*a\.wav: \d+\.\d\d s, espeak-ng, voice de(, gain [+-]\d+\.\d dB)?\n$/,
    );
    expect(checkPlayable(await inspectWav(path('a.wav'))).ok).toBe(true);
  });

  it('reads the text from a UTF-8 file and from standard input', async () => {
    await writeFile(path('text.txt'), 'Grüße aus Köln, die Straße.\n');
    const fromFile = await run(['tts', '--file', path('text.txt'), '-o', path('b.wav'), '--json']);
    expect(fromFile.code).toBe(0);
    const report = JSON.parse(fromFile.stdout);
    expect(report).toMatchObject({ ok: true, engine: 'espeak-ng', voice: 'de' });
    const fromStdin = await spawnBin(['tts', '-o', path('c.wav'), '--voice', 'en'], 'Press one.\n');
    expect(fromStdin).toMatchObject({ code: 0, stderr: '' });
    expect(checkPlayable(await inspectWav(path('c.wav'))).ok).toBe(true);
    // The same words from the file and as an argument make the same prompt.
    await run(['tts', 'Grüße aus Köln, die Straße.', '-o', path('d.wav')]);
    expect(await readFile(path('b.wav'))).toEqual(await readFile(path('d.wav')));
  });

  it('lists the voices when the voice is unknown, and writes nothing (exit status 2)', async () => {
    const result = await run(['tts', 'Hallo', '--voice', 'xx-nope', '-o', path('e.wav')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^siphook tts: voice: espeak-ng has no voice "xx-nope"; expected one of .*\bde\b/,
    );
    expect((await readdir(dir)).includes('e.wav')).toBe(false);
  });
});
