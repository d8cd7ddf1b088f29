import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openCallLogFile, toPushRecord } from '@siphook/call-log';
import { encodeEvent } from '@siphook/schema';
import { parseScenarioFile } from '@siphook/simulator';
import { encodeResponse } from '@siphook/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../test/cli-harness.js';

describe('siphook inspect', () => {
  let folder: string;
  let file: string;
  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'siphook-inspect-'));
    file = path.join(folder, 'calls.db');
    const log = openCallLogFile(file, { retentionMs: 0 });
    const push = (body: string, xml: string, at: number) =>
      toPushRecord({
        receivedAt: at,
        method: 'POST',
        path: '/',
        headers: {},
        body,
        status: 200,
        contentType: 'application/xml; charset=utf-8',
        answer: xml,
        durationMs: 5,
      });
    log.append([
      push(
        encodeEvent({
          event: 'newCall',
          callId: 'logged-1',
          from: '492111234567',
          to: '4915791234567',
          direction: 'in',
          user: ['Alice'],
        }),
        encodeResponse({
          actions: [{ action: 'Gather', onData: 'http://127.0.0.1:3000/dtmf', maxDigits: 1 }],
        }),
        1_000,
      ),
      push(
        encodeEvent({ event: 'dtmf', callId: 'logged-1', dtmf: '2' }),
        encodeResponse({ actions: [{ action: 'Dial', target: { voicemail: true } }] }),
        2_000,
      ),
    ]);
    log.close();
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('exports a call as a scenario file the simulator reads', async () => {
    const result = await run(['inspect', 'export', 'logged-1', '--call-log', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [scenario] = parseScenarioFile(result.stdout);
    expect(scenario).toMatchObject({
      name: 'call logged-1',
      from: '492111234567',
      dtmf: ['2'],
      expect: { dials: ['voicemail'], gathers: 1 },
    });
  });

  it('exits 2 for an unknown call, a missing or a foreign log', async () => {
    const unknown = await run(['inspect', 'export', 'nope', '--call-log', file]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('callId: no call "nope" in');
    const missing = await run(['inspect', 'export', 'logged-1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--call-log: expected a call log file');
    const text = path.join(folder, 'notes.txt');
    writeFileSync(text, 'not a database at all, just some words\n'.repeat(50));
    const foreign = await run(['inspect', 'export', 'logged-1', '--call-log', text]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain(`call log ${text}: not a readable SQLite database`);
    const absent = await run(['inspect', '--call-log', path.join(folder, 'absent.db')]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toMatch(/absent\.db: cannot open/);
  });

  it('serves the log until stopped, and only on loopback without --inspect-auth', async () => {
    const stop = new AbortController();
    const started = await run(
      ['inspect', '--call-log', file, '--port', '0', '--json'],
      stop.signal,
    );
    expect(started.code).toBe(0);
    const { url } = JSON.parse(started.stdout) as { url: string };
    try {
      const page = (await (await fetch(`${url}api/calls`)).json()) as {
        calls: { callId: string }[];
      };
      expect(page.calls.map((call) => call.callId)).toEqual(['logged-1']);
    } finally {
      stop.abort();
    }
    const exposed = await run(['inspect', '--call-log', file, '--port', '0', '--host', '0.0.0.0']);
    expect(exposed.code).toBe(2);
    expect(exposed.stderr).toContain(
      '--inspect-auth: required when the inspector listens on 0.0.0.0',
    );
  });
});
