import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PcmWavOptions, pcmWav, run } from '../../test/cli-harness.js';

/** A canonical 44-byte-header PCM WAV with the given layout and `frames` frames of a ramp. */
const wav = (options: Omit<PcmWavOptions, 'sample' | 'bits'> & { bits?: number } = {}) => {
  const bytes = pcmWav({ ...options, bits: (options.bits ?? 16) as PcmWavOptions['bits'] });
  for (let i = 44; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
  return bytes;
};

let dir: string;
let server: Server;
let base: string;
const path = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-cli-wav-'));
  await writeFile(path('welcome.wav'), wav({ frames: 18480 }));
  await writeFile(path('prompt.wav'), wav({ rate: 44100, channels: 2, frames: 4410 }));
  await writeFile(path('cut.wav'), wav({ frames: 8000 }).subarray(0, 10000));
  await writeFile(
    path('music.mp3'),
    Buffer.concat([Buffer.from('ID3\u0004\0\0\0\0\0\u0023'), Buffer.alloc(100, 0x55)]),
  );
  const served = wav({ frames: 16000 });
  server = createServer((req, res) => {
    if (req.url === '/welcome.wav') {
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': served.length });
      res.end(served);
    } else if (req.url === '/text.wav') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': served.length });
      res.end(served);
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('siphook wav check', () => {
  it('prints ok with the format and duration, and exits 0', async () => {
    const result = await run(['wav', 'check', path('welcome.wav')]);
    expect(result).toEqual({
      code: 0,
      stdout: `${path('welcome.wav')}: ok (8000 Hz mono 16-bit PCM, 2.31 s)\n`,
      stderr: '',
    });
  });

  it('prints one line per input, in the words of the JSON messages, and exits 1 when any is not playable', async () => {
    const result = await run([
      'wav',
      'check',
      path('welcome.wav'),
      path('prompt.wav'),
      path('music.mp3'),
      path('cut.wav'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `${path('welcome.wav')}: ok (8000 Hz mono 16-bit PCM, 2.31 s)`,
      `${path('prompt.wav')}: channel count is 2; a Play file must be mono (1 channel) | sample rate is 44100 Hz; a Play file must be 8000 Hz`,
      `${path('music.mp3')}: file is MP3 audio (ID3 tag), not RIFF/WAVE; a Play file must be a RIFF/WAVE file; convert it with \`siphook wav convert\``,
      `${path('cut.wav')}: "data" declares 16000 bytes from offset 44, but the file ends at byte 10000; the file is truncated or its header is wrong`,
      '',
    ]);
    const json = JSON.parse(
      (await run(['wav', 'check', '--json', path('prompt.wav'), path('cut.wav')])).stdout,
    ) as { input: string; problems: { message: string }[] }[];
    const lines = result.stdout.split('\n');
    for (const outcome of json)
      expect(lines).toContain(
        `${outcome.input}: ${outcome.problems.map((problem) => problem.message).join(' | ')}`,
      );
  });

  it('says in words what was missing, where the short form said `"fmt " chunk none`', async () => {
    const noFmt = Buffer.concat([
      wav({ frames: 100 }).subarray(0, 12),
      wav({ frames: 100 }).subarray(36),
    ]);
    noFmt.writeUInt32LE(noFmt.length - 8, 4);
    await writeFile(path('no-fmt.wav'), noFmt);
    const result = await run(['wav', 'check', path('no-fmt.wav')]);
    expect(result.stdout).toBe(
      `${path('no-fmt.wav')}: no "fmt " chunk in the file; a Play file must describe its format before the audio\n`,
    );
  });

  it('exits 2 for a missing file, still checking the others', async () => {
    const result = await run([
      'wav',
      'check',
      path('welcome.wav'),
      path('missing.wav'),
      path('prompt.wav'),
    ]);
    expect(result.code).toBe(2);
    // Results on stdout, the read error on stderr.
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^.*welcome\.wav: ok/);
    expect(lines[1]).toMatch(/^.*prompt\.wav: channel count is 2; .* \| sample rate is 44100 Hz/);
    expect(result.stderr).toMatch(/^siphook wav check: .*missing\.wav: cannot read .*ENOENT.*\n$/);
  });

  it('exits 2 for an argument that is not a usable URL, with the reason on stderr', async () => {
    for (const input of ['http//x', 'ftp://x', 'http://', 'https://exa mple', 'http://[::1']) {
      const result = await run(['wav', 'check', input]);
      expect({ input, code: result.code, stdout: result.stdout }).toEqual({
        input,
        code: 2,
        stdout: '',
      });
      expect(result.stderr).toContain(`received ${JSON.stringify(input)}`);
    }
    const json = await run(['wav', 'check', '--json', 'ftp://x']);
    expect(json.code).toBe(2);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toEqual([
      {
        input: 'ftp://x',
        kind: 'url',
        ok: false,
        problems: [],
        warnings: [],
        error: {
          code: 'URL_INVALID',
          message: 'expected a file or an absolute http(s) URL; received "ftp://x"',
        },
      },
    ]);
  });

  it('exits 2 without inputs or with a bad option', async () => {
    expect((await run(['wav', 'check'])).code).toBe(2);
    expect((await run(['wav', 'check', '--timeout', 'soon', path('welcome.wav')])).code).toBe(2);
  });

  it('checks every .wav in a folder, recursively, and refuses an empty folder', async () => {
    const folder = path('prompts');
    await mkdir(join(folder, 'de'), { recursive: true });
    await mkdir(path('empty'));
    await writeFile(join(folder, 'welcome.wav'), wav({ frames: 8000 }));
    await writeFile(join(folder, 'de', 'willkommen.WAV'), wav({ rate: 16000, frames: 1600 }));
    await writeFile(join(folder, 'notes.txt'), 'not a prompt');
    const result = await run(['wav', 'check', folder]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `${join(folder, 'de', 'willkommen.WAV')}: sample rate is 16000 Hz; a Play file must be 8000 Hz`,
      `${join(folder, 'welcome.wav')}: ok (8000 Hz mono 16-bit PCM, 1.00 s)`,
      '',
    ]);
    const empty = await run(['wav', 'check', path('empty')]);
    expect(empty.code).toBe(2);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toBe(
      `siphook wav check: ${path('empty')}: no .wav files in folder ${JSON.stringify(path('empty'))}\n`,
    );
  });

  it('prints JSON with --json', async () => {
    const result = await run(['wav', 'check', '--json', path('prompt.wav'), path('missing.wav')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('');
    const outcomes = JSON.parse(result.stdout) as {
      input: string;
      ok: boolean;
      problems: { code: string }[];
      error?: { code: string };
      info?: { format: { sampleRate: number } };
    }[];
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, false]);
    expect(outcomes[0]?.problems.map((problem) => problem.code)).toEqual([
      'WAV_CHANNELS',
      'WAV_SAMPLE_RATE',
    ]);
    expect(outcomes[0]?.info?.format.sampleRate).toBe(44100);
    expect(outcomes[1]?.error?.code).toBe('WAV_READ_FAILED');
  });

  it('checks URLs, with warnings on the same line', async () => {
    const result = await run([
      'wav',
      'check',
      `${base}/welcome.wav`,
      `${base}/text.wav`,
      `${base}/none.wav`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `${base}/welcome.wav: ok (8000 Hz mono 16-bit PCM, 2.00 s)`,
      `${base}/text.wav: ok (8000 Hz mono 16-bit PCM, 2.00 s) | warning: Content-Type is "text/plain"; expected audio/wav, audio/x-wav or audio/wave`,
      `${base}/none.wav: HTTP status is 404; a Play URL must answer 200 or 206`,
      '',
    ]);
  });
});

describe('siphook wav info', () => {
  it('prints every detail and exits 1 for a file that will not play', async () => {
    const result = await run(['wav', 'info', path('prompt.wav')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        path('prompt.wav'),
        '  container    RIFF/WAVE, RIFF size 17676',
        '  file size    17684 bytes',
        '  format tag   1 (PCM)',
        '  channels     2',
        '  sample rate  44100 Hz',
        '  bits         16',
        '  byte rate    176400',
        '  block align  4',
        '  data         17640 bytes at offset 44',
        '  duration     0.100 s',
        '  chunks       2',
        '    "fmt "  offset 12         size 16',
        '    "data"  offset 36         size 17640',
        '  playable     no',
        '    - WAV_CHANNELS: channel count is 2; a Play file must be mono (1 channel)',
        '    - WAV_SAMPLE_RATE: sample rate is 44100 Hz; a Play file must be 8000 Hz',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON and exits 0 for a playable file', async () => {
    const result = await run(['wav', 'info', '--json', path('welcome.wav')]);
    expect(result.code).toBe(0);
    const outcome = JSON.parse(result.stdout) as {
      ok: boolean;
      info: { dataSize: number; chunks: unknown[] };
    };
    expect(outcome.ok).toBe(true);
    expect(outcome.info.dataSize).toBe(36960);
    expect(outcome.info.chunks).toHaveLength(2);
  });

  it('prints what checkUrl found for a URL', async () => {
    const result = await run(['wav', 'info', `${base}/text.wav`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${base}/text.wav\n  status       200\n  bytes read   32044\n`);
    expect(result.stdout).toContain(
      '  playable     yes\n    ~ URL_CONTENT_TYPE: Content-Type is "text/plain"',
    );
  });

  it('exits 2 for a missing file', async () => {
    const result = await run(['wav', 'info', path('missing.wav')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^siphook wav info: .*missing\.wav: cannot read .*ENOENT.*\n$/);
    const json = await run(['wav', 'info', '--json', path('missing.wav')]);
    expect(json.code).toBe(2);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: { code: 'WAV_READ_FAILED' },
    });
  });
});

describe('the siphook bin', () => {
  it('runs `wav check` as a real process with the right exit status', async () => {
    const bin = fileURLToPath(new URL('../../bin/siphook.js', import.meta.url));
    const exec = promisify(execFile);
    const ok = await exec(process.execPath, [bin, 'wav', 'check', path('welcome.wav')]);
    expect(ok.stdout).toBe(`${path('welcome.wav')}: ok (8000 Hz mono 16-bit PCM, 2.31 s)\n`);
    const bad = await exec(process.execPath, [bin, 'wav', 'check', path('prompt.wav')]).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stdout).toContain('sample rate is 44100 Hz; a Play file must be 8000 Hz');
  }, 60_000);
});
