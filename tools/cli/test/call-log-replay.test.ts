import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeTestKeyPair } from '@siphook/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from './cli-harness.js';

/** Starts `siphook server` in this process; resolves with its startup JSON and a stop function. */
async function startServer(args: string[]) {
  const stop = new AbortController();
  const started = await run(
    ['server', '--port', '0', '--json', '--log-level', 'warn', ...args],
    stop.signal,
  );
  expect(started.stderr).toBe('');
  expect(started.code).toBe(0);
  const info = JSON.parse(started.stdout) as { webhookUrl: string; inspectUrl?: string };
  return { info, stop: () => stop.abort() };
}

/** `inspect export` once the server has saved the call (it saves in batches of up to 100 ms). */
async function exportWhenSaved(callId: string, file: string) {
  for (let attempt = 0; ; attempt++) {
    const exported = await run(['inspect', 'export', callId, '--call-log', file]);
    if (exported.code === 0 || attempt === 50) return exported;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a real call becomes a test', () => {
  let folder: string;
  const stops: (() => void)[] = [];
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'siphook-replay-'));
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('records a signed call with --call-log, exports it, and replays it: exit 0, then 1 once the flow changes', async () => {
    const keys = await writeTestKeyPair(folder);
    const file = path.join(folder, 'calls.db');
    const server = await startServer(['--call-log', file, '--trust-key', keys.publicKeyPath]);
    stops.push(server.stop);
    const target = server.info.webhookUrl;
    const call = await run([
      'simulate',
      target,
      '--sign-key',
      keys.privateKeyPath,
      '--dtmf',
      '2',
      '--call-id',
      'replay-1',
    ]);
    expect(call.code).toBe(0);

    const exported = await exportWhenSaved('replay-1', file);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('dials: voicemail');
    const scenario = path.join(folder, 'replay-1.yaml');
    await writeFile(scenario, exported.stdout);

    const replay = await run([
      'simulate',
      target,
      '--sign-key',
      keys.privateKeyPath,
      '--scenario',
      scenario,
    ]);
    expect(replay.stdout).toMatch(/--- call replay-1: ✓ passed/);
    expect(replay.code).toBe(0);

    // The inspector's API shows the same call, with the route and branch the flow took.
    const detail = (await (await fetch(`${server.info.inspectUrl}api/calls/replay-1`)).json()) as {
      call: { outcome: string };
      pushes: { event: string; route: string | null; branch: string | null; signature: string }[];
    };
    expect(detail.call.outcome).toBe('dialed');
    expect(detail.pushes.map((push) => push.event)).toEqual([
      'newCall',
      'dtmf',
      'answer',
      'hangup',
    ]);
    expect(detail.pushes[0]).toMatchObject({ route: 'welcome', signature: 'valid' });
    expect(detail.pushes[1]).toMatchObject({ branch: '2', signature: 'valid' });

    // A server whose flow sends 2 somewhere else no longer passes the recorded call.
    const changed = path.join(folder, 'changed.yaml');
    await writeFile(
      changed,
      [
        'routes:',
        '  - name: welcome',
        '    actions:',
        '      - gather:',
        '          maxDigits: 1',
        '          branches:',
        '            "2":',
        '              - dial: "4930123456"',
      ].join('\n'),
    );
    const other = await startServer(['--flow', changed, '--trust-key', keys.publicKeyPath]);
    stops.push(other.stop);
    const broken = await run([
      'simulate',
      other.info.webhookUrl,
      '--sign-key',
      keys.privateKeyPath,
      '--scenario',
      scenario,
    ]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('[EXPECT_DIALS]');
  });
});
