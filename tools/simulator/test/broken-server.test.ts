import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallReport } from '../src/call-report.js';
import { DEFAULT_TIMEOUT_MS, simulateCall } from '../src/index.js';
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
          body: '<?xml version="1.0"?>\n<Response>\n  <Play><Url>http://x/a.wav</Url>\n</Response>\n',
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
        return { type: 'audio/wav', body: wav8k };
      default:
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

  it('names invalid XML with line:column', async () => {
    const report = await simulateCall(`${server.url}/invalid-xml`);
    const failures = failed(report);
    expect(failures.map((failure) => failure.code)).toEqual(['XML_INVALID']);
    expect(failures[0]?.message).toMatch(
      /^expected a valid <Response>; found \d+ problem\(s\): \d+:\d+ /,
    );
    expect(report.outcome.kind).toBe('continues');
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
