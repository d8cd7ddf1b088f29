import { createServer, type SiphookServer } from '@siphook/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatJunit, generateTestKeyPair, probeServer, runSimulation } from '../src/index.js';

// The reference server from apps/server, running the bundled demo flow and trusting a fresh test
// key: every push below is signed, as sipgate.io signs them.
const keys = generateTestKeyPair();
let server: SiphookServer;

beforeAll(async () => {
  server = await createServer({
    port: 0,
    host: '127.0.0.1',
    signature: true,
    trustKeys: [keys.publicKey],
    logLevel: 'silent',
  });
});

afterAll(async () => {
  await server.close();
});

describe('the demo flow of apps/server, end to end with signed pushes', () => {
  it('takes every branch: connect, voicemail, invalid then retry, and silence until goodbye', async () => {
    const report = await runSimulation(
      server.webhookUrl,
      [
        {
          name: 'press 1: connected',
          dtmf: ['1'],
          expect: {
            dials: '4915799912345',
            gathers: 1,
            hangsUpWith: 'normalClearing',
            playsAtLeastSeconds: 1,
          },
        },
        {
          name: 'press 2: voicemail',
          dtmf: ['2'],
          expect: { dials: 'voicemail', gathers: 1, hangsUpWith: 'normalClearing' },
        },
        {
          name: 'press 9: invalid, asked again, then 1',
          dtmf: ['9', '1'],
          expect: { dials: '4915799912345', gathers: 2 },
        },
        {
          name: 'no input: asked again, then goodbye',
          expect: { gathers: 2, hangsUpWith: 'normalClearing', continues: false },
        },
        {
          name: 'press 1, the number is busy',
          dtmf: ['1'],
          cause: 'busy',
          expect: { dials: '4915799912345', hangsUpWith: 'busy' },
        },
      ],
      { signKey: keys.privateKey },
    );
    const failures = [...report.calls].flatMap((call) =>
      call.checks
        .filter((check) => !check.ok)
        .map((check) => `${call.name} › ${check.name}: ${check.message}`),
    );
    expect(failures).toEqual([]);
    expect(report.ok).toBe(true);
    const [connect, voicemail, retry, silence] = report.calls;
    expect(connect?.outcome).toEqual({ kind: 'dialed', cause: 'normalClearing' });
    expect(voicemail?.dialed).toEqual(['voicemail']);
    expect(retry?.gathers).toEqual(['9', '1']);
    expect(silence?.gathers).toEqual(['', '']);
    expect(silence?.outcome.kind).toBe('hungUp');
    // Every Play of the demo prompts was fetched and checked as playable.
    const plays = report.calls.flatMap((call) =>
      call.checks.filter((check) => check.code === 'PLAY_AUDIO'),
    );
    expect(plays.length).toBeGreaterThanOrEqual(8);
    expect(plays.every((check) => check.ok)).toBe(true);
  });

  it('refuses unsigned pushes: the same call without a key fails at the first push', async () => {
    const report = await runSimulation(server.webhookUrl, [{ dtmf: ['1'] }]);
    expect(report.ok).toBe(false);
    expect(report.calls[0]?.checks.find((check) => !check.ok)).toMatchObject({
      code: 'STATUS',
      message: 'expected 200; received 401',
    });
  });

  it('passes every probe: unsigned, tampered and malformed requests are refused with a 4xx', async () => {
    const report = await probeServer(server.webhookUrl, { signKey: keys.privateKey });
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.checks.map((check) => check.name)).toEqual([
      'signed newCall accepted',
      'unsigned newCall refused',
      'tampered newCall refused',
      'JSON body refused',
      'garbage body refused',
      'newCall without callId refused',
      'unknown event refused',
      '1 MiB body refused',
    ]);
  });

  it('writes JUnit with one test case per check', async () => {
    const report = await runSimulation(
      server.webhookUrl,
      [{ name: 'junit <&> "call"', dtmf: ['2'] }],
      {
        signKey: keys.privateKey,
        probe: true,
      },
    );
    const xml = formatJunit(report);
    const cases = xml.match(/<testcase /g) ?? [];
    expect(cases.length).toBe(report.totals.checks);
    expect(xml).toContain('name="junit &lt;&amp;&gt; &quot;call&quot;"');
  });
});
