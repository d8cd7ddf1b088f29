import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECT_CAUSES, simulateCall } from '../src/index.js';
import { formOf, startTestServer, type TestServer } from './test-server.js';
import { makeWav } from './wav-fixture.js';

// A conformant server with one route per branch of the call state machine.
let server: TestServer;
const prompt = makeWav({ sampleRate: 8000, seconds: 1.25 });

beforeAll(async () => {
  server = await startTestServer((request, base) => {
    const path = request.path.split('?')[0];
    const form = formOf(request.body);
    const callbacks = `onAnswer="${base}/events" onHangup="${base}/events"`;
    switch (path) {
      case '/menu':
        return {
          body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response ${callbacks}>\n  <Gather onData="${base}/menu/dtmf" maxDigits="2" timeout="3000">\n    <Play><Url>${base}/prompt.wav</Url></Play>\n  </Gather>\n  <Hangup/>\n</Response>\n`,
        };
      case '/menu/dtmf':
        if (form.dtmf === '1') {
          return {
            body: '<Response><Dial callerId="492111234567"><Number>4915799912345</Number></Dial></Response>',
          };
        }
        if (form.dtmf === '2') return { body: '<Response><Dial><Voicemail/></Dial></Response>' };
        if (form.dtmf === '9') return { body: '<Response><Reject reason="busy"/></Response>' };
        if (form.dtmf === '8') return { body: '<Response><Reject/></Response>' };
        if (form.dtmf === '')
          return {
            body: `<Response><Play><Url>${base}/prompt.wav</Url></Play><Hangup/></Response>`,
          };
        return { body: '<Response/>' };
      case '/hangup-first':
        return { body: `<Response><Hangup/><Play><Url>${base}/prompt.wav</Url></Play></Response>` };
      case '/loop':
        return { body: `<Response><Gather onData="${base}/loop" maxDigits="1"/></Response>` };
      case '/events':
        return { status: 200, type: 'text/plain', body: '' };
      case '/prompt.wav':
        return { type: 'audio/wav', body: prompt };
      default:
        return undefined;
    }
  });
});

afterAll(async () => {
  await server.close();
});

function since(index: number) {
  return server.received.slice(index).filter((request) => request.path !== '/prompt.wav');
}

describe('simulateCall through every action', () => {
  it('Gather → dtmf → Dial: answer and hangup pushes, as live traffic looks', async () => {
    const start = server.received.length;
    const report = await simulateCall(`${server.url}/menu`, {
      dtmf: ['1'],
      user: ['Alice', 'Bob'],
      callId: 'call-1',
      expect: {
        dials: '4915799912345',
        playsAtLeastSeconds: 1.2,
        gathers: 1,
        hangsUpWith: 'normalClearing',
      },
    });
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    const pushes = since(start);
    expect(pushes.map((push) => [push.path, push.body])).toEqual([
      [
        '/menu',
        'event=newCall&callId=call-1&direction=in&from=492111234567&to=4915791234567&user%5B%5D=Alice&user%5B%5D=Bob',
      ],
      ['/menu/dtmf', 'event=dtmf&callId=call-1&dtmf=1'],
      [
        '/events',
        'event=answer&callId=call-1&user=Alice&from=492111234567&to=4915791234567&direction=in&answeringNumber=4915799912345',
      ],
      [
        '/events',
        'event=hangup&callId=call-1&cause=normalClearing&from=492111234567&to=4915791234567&direction=in&answeringNumber=4915799912345',
      ],
    ]);
    expect(pushes[0]?.headers).toMatchObject({
      'user-agent': 'sipgate.io',
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
      accept: 'application/xml, text/plain, text/html',
    });
    expect(report.outcome).toEqual({ kind: 'dialed', cause: 'normalClearing' });
    expect(report.audioSeconds).toBe(1.25);
    expect(
      report.steps.some((step) =>
        step.text.includes('1 action(s) after this Gather are not reached'),
      ),
    ).toBe(true);
  });

  it('a Dial the far end does not answer ends with the scripted cause and no answer push', async () => {
    const start = server.received.length;
    const report = await simulateCall(`${server.url}/menu`, {
      dtmf: ['1'],
      cause: 'busy',
      callId: 'c2',
    });
    expect(report.outcome).toEqual({ kind: 'dialed', cause: 'busy' });
    expect(since(start).map((push) => formOf(push.body).event)).toEqual([
      'newCall',
      'dtmf',
      'hangup',
    ]);
    expect(formOf(since(start)[2]?.body ?? '').cause).toBe('busy');
  });

  it('voicemail answers without an answeringNumber', async () => {
    const start = server.received.length;
    const report = await simulateCall(`${server.url}/menu`, {
      dtmf: ['2'],
      expect: { dials: 'voicemail' },
    });
    expect(report.ok).toBe(true);
    const answer = since(start).find((push) => formOf(push.body).event === 'answer');
    expect(answer && formOf(answer.body).answeringNumber).toBeUndefined();
  });

  it('Reject busy ends busy; Reject rejected ends noAnswer', async () => {
    const busy = await simulateCall(`${server.url}/menu`, {
      dtmf: ['9'],
      expect: { rejects: 'busy', hangsUpWith: 'busy' },
    });
    expect(busy.ok).toBe(true);
    const rejected = await simulateCall(`${server.url}/menu`, {
      dtmf: ['8'],
      expect: { rejects: 'rejected' },
    });
    expect(rejected.outcome).toEqual({ kind: 'rejected', cause: REJECT_CAUSES.rejected });
    expect(REJECT_CAUSES.rejected).toBe('noAnswer');
  });

  it('no scripted digits sends an empty dtmf; digits are cut to maxDigits', async () => {
    const start = server.received.length;
    const silent = await simulateCall(`${server.url}/menu`, {
      expect: { hangsUpWith: 'normalClearing', playsAtLeastSeconds: 2.5 },
    });
    expect(silent.ok).toBe(true);
    expect(since(start)[1]?.body).toMatch(/^event=dtmf&callId=[0-9a-f]+&dtmf=$/);
    expect(silent.outcome.kind).toBe('hungUp');
    const cut = await simulateCall(`${server.url}/menu`, { dtmf: ['123'] });
    expect(cut.gathers).toEqual(['12']);
  });

  it('running out of actions: the call continues under the account defaults', async () => {
    const report = await simulateCall(`${server.url}/menu`, {
      dtmf: ['5'],
      cause: 'cancel',
      expect: { continues: true, hangsUpWith: 'cancel' },
    });
    expect(report.ok).toBe(true);
    expect(
      report.steps.some((step) => step.text.includes("continues under the account's defaults")),
    ).toBe(true);
  });

  it('a failed expectation is a failed check naming what happened', async () => {
    const report = await simulateCall(`${server.url}/menu`, {
      dtmf: ['9'],
      expect: { dials: '4915799912345', gathers: 2 },
    });
    expect(report.ok).toBe(false);
    expect(
      report.checks.filter((check) => !check.ok).map((check) => [check.code, check.message]),
    ).toEqual([
      ['EXPECT_DIALS', 'expected a Dial to 4915799912345; dialled nothing'],
      ['EXPECT_GATHERS', 'expected 2 Gather(s); carried out 1'],
    ]);
  });

  it('actions after Hangup are not carried out, and the transcript says so', async () => {
    const report = await simulateCall(`${server.url}/hangup-first`, {
      expect: { hangsUpWith: 'normalClearing' },
    });
    expect(report.ok).toBe(true);
    expect(report.plays).toEqual([]);
    expect(report.steps.map((step) => step.text)).toContain('not reached after Hangup: Play');
  });

  it('stops a flow that never ends at the loop guard', async () => {
    const report = await simulateCall(`${server.url}/loop`, {}, { maxSteps: 10 });
    const loop = report.checks.find((check) => check.code === 'LOOP');
    expect(loop?.ok).toBe(false);
    expect(report.gathers.length).toBeLessThanOrEqual(10);
    expect(new Set(report.checks.map((check) => check.name)).size).toBe(report.checks.length);
  });

  it('sends Basic-auth credentials from the URL as a header, also to same-origin callbacks', async () => {
    const start = server.received.length;
    const target = server.url.replace('http://', 'http://ann:s%3Acret@');
    await simulateCall(`${target}/menu`, { dtmf: ['1'] });
    const auth = `Basic ${Buffer.from('ann:s:cret').toString('base64')}`;
    expect(since(start).map((push) => push.headers.authorization)).toEqual([
      auth,
      auth,
      auth,
      auth,
    ]);
  });
});
