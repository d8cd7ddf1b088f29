import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallReport } from '../src/call-report.js';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, simulateCall } from '../src/index.js';
import { startTestServer, type TestServer } from './test-server.js';
import { makeWav } from './wav-fixture.js';

// A deliberately broken server: each path has one fault the simulator must name.
let server: TestServer;
const wav44k = makeWav({ sampleRate: 44_100, seconds: 0.5 });
const wav8k = makeWav({ sampleRate: 8000, seconds: 1.5 });

beforeAll(async () => {
  server = await startTestServer((request, base) => {
    switch (request.path) {
      case '/wrong-type':
        return { type: 'text/html; charset=utf-8', body: '<Response><Hangup/></Response>' };
      case '/invalid-xml':
        return {
          body: `<?xml version="1.0"?>\n<Response>\n  <Play><Url>${base}/audio/8k.wav</Url>\n</Response>\n`,
        };
      case '/every-fault':
        return {
          type: 'text/html',
          body: `<Response onAnswer="${base}/answer">\n  <Say>hello</Say>\n  <Play><Url>${base}/audio/44k.wav</Url></Play>\n  <Play><Url>${base}/audio/8k.wav?a=1&b=2</Url></Play>\n</Response>`,
        };
      case '/many-silent-plays':
        return {
          body: `<Response onHangup="${base}/hangup">${Array.from(
            { length: 20 },
            (_, index) => `<Play><Url>${base}/silent/${index}.wav</Url></Play>`,
          ).join('')}<Hangup/></Response>`,
        };
      case '/play-44k':
        return {
          body: `<Response><Play><Url>${base}/audio/44k.wav</Url></Play><Hangup/></Response>`,
        };
      case '/gather-without-ondata':
        return {
          body: `<Response>\n  <Gather maxDigits="1">\n    <Play><Url>${base}/audio/8k.wav</Url></Play>\n  </Gather>\n</Response>`,
        };
      case '/slow':
        return { delayMs: 600, body: '<Response><Hangup/></Response>' };
      case '/audio/44k.wav':
        return { type: 'audio/wav', body: wav44k };
      case '/audio/8k.wav':
      case '/audio/8k.wav?a=1&b=2':
        return { type: 'audio/wav', body: wav8k };
      default:
        // A Play URL that never answers.
        if (request.path.startsWith('/silent/')) return { delayMs: 600_000, body: '' };
        return undefined;
    }
  });
});

afterAll(async () => {
  await server.close();
});

function failed(report: CallReport): { code: string; name: string; message: string }[] {
  return report.checks
    .filter((check) => !check.ok)
    .map(({ code, name, message }) => ({ code, name, message }));
}

describe('simulateCall against a broken server', () => {
  it('names a wrong Content-Type', async () => {
    const report = await simulateCall(`${server.url}/wrong-type`);
    expect(report.ok).toBe(false);
    expect(failed(report)).toEqual([
      {
        code: 'CONTENT_TYPE',
        name: 'newCall Content-Type',
        message: 'expected application/xml or text/xml; received "text/html; charset=utf-8"',
      },
    ]);
  });

  it('names invalid XML with line:column, and still checks the Play URL it names', async () => {
    const report = await simulateCall(`${server.url}/invalid-xml`);
    const failures = failed(report);
    expect(failures.map((failure) => failure.code)).toEqual(['XML_INVALID']);
    expect(failures[0]?.message).toMatch(
      /^expected a valid <Response>; found \d+ problem\(s\): \d+:\d+ /,
    );
    expect(report.checks.find((check) => check.code === 'PLAY_AUDIO')).toMatchObject({
      ok: true,
      name: `Play ${server.url}/audio/8k.wav`,
      message:
        'would not be played: the response is invalid; playable WAV (8000 Hz, 1 channel, 16-bit PCM), 1.50 s',
    });
    // Not played: the call went on under the account's defaults.
    expect(report.plays).toEqual([]);
    expect(report.outcome.kind).toBe('continues');
  });

  it('shows every fault in one run: Content-Type, invalid XML and a 44.1 kHz prompt', async () => {
    const report = await simulateCall(`${server.url}/every-fault`);
    expect(failed(report).map((failure) => [failure.code, failure.name])).toEqual([
      ['CONTENT_TYPE', 'newCall Content-Type'],
      ['XML_INVALID', 'newCall XML'],
      ['PLAY_AUDIO', `Play ${server.url}/audio/44k.wav`],
    ]);
    const play = failed(report)[2]!;
    expect(play.message).toMatch(
      /^would not be played: the response is invalid; expected a mono 16-bit PCM WAV at 8000 Hz; WAV_SAMPLE_RATE: .*44100/,
    );
    // The raw & of the second URL is read as its author meant it, and that prompt is fine.
    expect(report.checks.filter((check) => check.code === 'PLAY_AUDIO' && check.ok)).toHaveLength(
      1,
    );
    expect(server.received.map((request) => request.path)).toContain('/audio/8k.wav?a=1&b=2');
    expect(report.plays).toEqual([]);
  });

  it('names a 44.1 kHz Play file', async () => {
    const report = await simulateCall(`${server.url}/play-44k`);
    const failures = failed(report);
    expect(failures.map((failure) => [failure.code, failure.name])).toEqual([
      ['PLAY_AUDIO', `Play ${server.url}/audio/44k.wav`],
    ]);
    expect(failures[0]?.message).toContain('44100');
    expect(report.plays).toEqual([{ url: `${server.url}/audio/44k.wav`, seconds: 0.5 }]);
  });

  it('names a Gather without onData', async () => {
    const report = await simulateCall(`${server.url}/gather-without-ondata`);
    const failures = failed(report);
    expect(failures.map((failure) => failure.code)).toEqual(['XML_INVALID']);
    expect(failures[0]?.message).toMatch(/onData/);
    expect(failures[0]?.message).toMatch(/ 2:\d+ /);
  });

  it('names an answer slower than the deadline', async () => {
    const report = await simulateCall(`${server.url}/slow`, {}, { timeoutMs: 300 });
    expect(failed(report)).toEqual([
      {
        code: 'DEADLINE',
        name: 'newCall deadline',
        message:
          'expected an answer within 300 ms; received none (sipgate.io gives up after about 10 s)',
      },
    ]);
    expect(report.connectionError).toBeUndefined();
  });

  it('ends a call at its time limit, even while Play URLs hang (CALL_TIMEOUT)', async () => {
    const report = await simulateCall(
      `${server.url}/many-silent-plays`,
      {},
      { callTimeoutMs: 1500, audioTimeoutMs: 5000 },
    );
    expect(failed(report).map((failure) => failure.code)).toEqual(['CALL_TIMEOUT']);
    expect(failed(report)[0]?.message).toBe(
      'expected the call to end within 1500 ms (--call-timeout); it was still going, so the simulated caller hangs up',
    );
    expect(report.outcome).toEqual({ kind: 'hungUp', cause: 'normalClearing' });
    // Nothing is sent after the limit: the hangup push would be one more wait.
    expect(server.received.some((request) => request.path === '/hangup')).toBe(false);
    expect(report.steps.at(-1)?.text).toBe('no hangup push: the time limit of the call is spent');
  });

  it('gives each call 60 s by default', () => {
    expect(DEFAULT_CALL_TIMEOUT_MS).toBe(60_000);
  });

  it('waits 10 s by default, as sipgate.io does', () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(10_000);
  });

  it('reports an unreachable target as a connection error, not a conformance failure', async () => {
    const closed = await startTestServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const report = await simulateCall(url);
    expect(report.connectionError?.code).toBe('CONNECTION_REFUSED');
    expect(report.outcome.kind).toBe('failed');
  });
});
