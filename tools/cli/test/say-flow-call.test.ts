// The whole way of a `say:` flow: the server synthesises tts-demo.yaml with the real espeak-ng at
// start-up, and the simulator plays sipgate.io's side of calls through it, fetching and checking
// every Play URL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type SiphookServer } from '@siphook/server';
import { simulateCall } from '@siphook/simulator';
import { findEspeakNg } from '@siphook/tts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli-harness.js';

const HAVE_ESPEAK = await findEspeakNg().then(
  () => true,
  () => false,
);
if (!HAVE_ESPEAK)
  console.warn(
    'espeak-ng is missing: the say: flow call test is skipped (Debian package espeak-ng)',
  );

const TTS_DEMO = fileURLToPath(
  new URL('../../../apps/server/flows/tts-demo.yaml', import.meta.url),
);

describe.skipIf(!HAVE_ESPEAK)('a call through flows/tts-demo.yaml', () => {
  let cacheDir: string;
  let server: SiphookServer;
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'siphook-say-call-'));
    server = await createServer({
      port: 0,
      signature: false,
      logLevel: 'silent',
      flow: TTS_DEMO,
      tts: { cacheDir },
    });
  });
  afterAll(async () => {
    await server?.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('pressing 1: every say: prompt is fetched and passes the Play check, then the call is dialled', async () => {
    const report = await simulateCall(server.webhookUrl, {
      dtmf: ['1'],
      expect: { dials: '4915799912345', gathers: 1, playsAtLeastSeconds: 4 },
    });
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    const plays = report.checks.filter((check) => check.code.startsWith('PLAY'));
    expect(plays.length).toBeGreaterThanOrEqual(4); // welcome, English hint, menu, "einen Moment"
    expect(report.plays.every((play) => new URL(play.url).pathname.startsWith('/audio/say/'))).toBe(
      true,
    );
    expect(report.outcome).toEqual({ kind: 'dialed', cause: 'normalClearing' });
  });

  it('pressing 9 then 2: the English menu leads to the voicemail', async () => {
    const report = await simulateCall(server.webhookUrl, { dtmf: ['9', '2'] });
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.dialed).toEqual(['voicemail']);
  });
});

describe('siphook server with a say: flow: the --tts-* flags', () => {
  it('a command engine whose program is missing stops the start at the first say: (exit status 2)', async () => {
    const result = await run([
      'server',
      '--flow',
      TTS_DEMO,
      '--port',
      '0',
      '--no-signature',
      '--tts-engine-cmd',
      'no-such-tts-program --out {out}',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^siphook server: .*tts-demo\.yaml:11:14: routes\[0\]\.actions\[0\]\.say: command engine: the program "no-such-tts-program"/,
    );
  });

  it('--tts-engine command needs --tts-engine-cmd', async () => {
    const result = await run(['server', '--flow', TTS_DEMO, '--tts-engine', 'command']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--tts-engine command needs --tts-engine-cmd');
  });
});
