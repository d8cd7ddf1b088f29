import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { capture, pcmWav, sine } from '../../test/cli-harness.js';
import { runCli } from '../run-cli.js';

/** 8 kHz mono 16-bit PCM, `seconds` long: what Play accepts as is. */
const playableWav = (seconds: number, pitch: number): Buffer =>
  pcmWav({ frames: 8000 * seconds, sample: sine(pitch, 8000, 6000 / 32767) });

let dir: string;
const welcome = playableWav(1, 440);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-cli-serve-audio-'));
  await writeFile(join(dir, 'welcome.wav'), welcome);
  await writeFile(join(dir, 'page.wav'), '<!DOCTYPE html><html>not audio</html>');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('siphook serve-audio (runCli)', () => {
  it('prints each Play URL on stdout, refused files on stderr, serves them, and stops on the signal', async () => {
    const stdout = capture();
    const stderr = capture();
    const controller = new AbortController();
    const code = await runCli(['serve-audio', dir, '--port', '0'], {
      stdout,
      stderr,
      signal: controller.signal,
    });
    expect(code).toBe(0);
    const match = /^welcome\.wav {2}(http:\/\/127\.0\.0\.1:\d+\/welcome\.[0-9a-f]{8}\.wav)\n$/.exec(
      stdout.text,
    );
    expect(match, stdout.text).not.toBeNull();
    expect(stderr.text).toMatch(/^refused page\.wav: .+/m);
    expect(stderr.text).toContain('serving 1 prompt from');
    const response = await fetch(match![1]!);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await response.arrayBuffer()).equals(welcome)).toBe(true);

    controller.abort();
    await vi.waitFor(() => expect(stderr.text).toContain('siphook serve-audio stopped (abort)'));
    await expect(fetch(match![1]!)).rejects.toThrow();
  });

  it('prints one JSON line with --json', async () => {
    const stdout = capture();
    const stderr = capture();
    const controller = new AbortController();
    await runCli(
      ['serve-audio', dir, '--port', '0', '--json', '--public-url', 'https://example.com/audio'],
      {
        stdout,
        stderr,
        signal: controller.signal,
      },
    );
    try {
      const line = JSON.parse(stdout.text);
      expect(line).toMatchObject({
        url: 'https://example.com/audio',
        root: dir,
        prompts: [
          { name: 'welcome.wav', source: 'welcome.wav', converted: false, size: welcome.length },
        ],
        refused: [expect.objectContaining({ file: 'page.wav' })],
      });
      expect(line.prompts[0].url).toMatch(
        /^https:\/\/example\.com\/audio\/welcome\.[0-9a-f]{8}\.wav$/,
      );
    } finally {
      controller.abort();
      await vi.waitFor(() => expect(stderr.text).toContain('stopped'));
    }
  });

  it('prints a new JSON line with the new URL after a change with --watch', async () => {
    const watched = await mkdtemp(join(tmpdir(), 'siphook-cli-serve-audio-watch-'));
    await writeFile(join(watched, 'welcome.wav'), welcome);
    const stdout = capture();
    const stderr = capture();
    const controller = new AbortController();
    await runCli(['serve-audio', watched, '--port', '0', '--json', '--watch'], {
      stdout,
      stderr,
      signal: controller.signal,
    });
    try {
      const before = JSON.parse(stdout.text).prompts[0].url as string;
      await writeFile(join(watched, 'welcome.wav'), playableWav(1, 660));
      await vi.waitFor(() => expect(stdout.text.trim().split('\n')).toHaveLength(2), {
        timeout: 10_000,
        interval: 50,
      });
      const after = JSON.parse(stdout.text.trim().split('\n')[1]!).prompts[0].url as string;
      expect(after).not.toBe(before);
      expect((await fetch(after)).status).toBe(200);
      // The replaced version's URL keeps answering for a while (keepReplacedSeconds).
      expect((await fetch(before)).status).toBe(200);
    } finally {
      controller.abort();
      await vi.waitFor(() => expect(stderr.text).toContain('stopped'));
      await rm(watched, { recursive: true, force: true });
    }
  });

  it('takes --basic-auth as the server does: user:pass required, `user:` refused (exit 2)', async () => {
    const stdout = capture();
    const stderr = capture();
    const controller = new AbortController();
    await runCli(['serve-audio', dir, '--port', '0', '--basic-auth', 'sipgate:s3:cret'], {
      stdout,
      stderr,
      signal: controller.signal,
    });
    try {
      const url = /(http:\/\/\S+\.wav)/.exec(stdout.text)![1]!;
      expect((await fetch(url)).status).toBe(401);
      const authorization = `Basic ${Buffer.from('sipgate:s3:cret').toString('base64')}`;
      const response = await fetch(url, { headers: { authorization } });
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(welcome)).toBe(true);
    } finally {
      controller.abort();
      await vi.waitFor(() => expect(stderr.text).toContain('stopped'));
    }
    for (const value of ['sipgate:', ':s3cret', 'sipgate']) {
      const refused = capture();
      const code = await runCli(['serve-audio', dir, '--port', '0', '--basic-auth', value], {
        stdout: capture(),
        stderr: refused,
      });
      expect(code, value).toBe(2);
      expect(refused.text, value).toMatch(/--basic-auth: expected user:password, both non-empty/);
    }
  });

  it('exits 2 for a missing folder and for a bad port', async () => {
    const stderr = capture();
    expect(
      await runCli(['serve-audio', join(dir, 'missing'), '--port', '0'], {
        stdout: capture(),
        stderr,
      }),
    ).toBe(2);
    expect(stderr.text).toContain('root: expected a readable folder');
    expect(
      await runCli(['serve-audio', dir, '--port', '70000'], {
        stdout: capture(),
        stderr: capture(),
      }),
    ).toBe(2);
  });
});

describe('siphook serve-audio (real bin)', () => {
  it('serves until SIGTERM, then shuts down gracefully with exit status 0', async () => {
    const bin = fileURLToPath(new URL('../../bin/siphook.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'serve-audio', dir, '--port', '0', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      await vi.waitFor(() => expect(stdout).toContain('\n'), { timeout: 20_000, interval: 50 });
      const url = JSON.parse(stdout.split('\n')[0]!).prompts[0].url as string;
      const response = await fetch(url);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('siphook serve-audio stopped (SIGTERM)');
  }, 30_000);
});
