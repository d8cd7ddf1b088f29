import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSiphookError } from '@siphook/schema';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type SiphookServer } from '../src/index.js';
import { post, send, sendRaw, signBody, testKeyPair } from './http-client.js';

const silent = { logLevel: 'silent' } as const;

// The live capture: headers, a blank line, then the exact body bytes sipgate.io signed.
const capture = readFileSync(
  new URL('./fixtures/signed-newcall-request.http', import.meta.url),
  'utf8',
);
const [head, capturedBody] = capture.split(/\r?\n\r?\n/, 2) as [string, string];
const capturedSignature = /^X-Sipgate-Signature: (.+)$/m.exec(head)?.[1]?.trim() ?? '';

// The contract's curl examples, verbatim (curl --data sends form-urlencoded, brackets raw).
const CONTRACT_CURLS = [
  'from=492111234567&to=4915791234567&direction=in&event=newCall&callId=123456&user[]=Alice&user[]=Bob',
  'event=answer&callId=123456&user=John+Doe',
  'event=hangup&cause=normalClearing&callId=123456',
  'event=dtmf&dtmf=1&callId=123456',
];

function expectXml(reply: { status: number; headers: http.IncomingHttpHeaders; body: string }) {
  expect(reply.status).toBe(200);
  expect(reply.headers['content-type']).toBe('application/xml; charset=utf-8');
  expect(reply.body).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<Response/);
}

describe('createServer with signatures on (the default)', { timeout: 30_000 }, () => {
  let server: SiphookServer;
  const key = testKeyPair();
  beforeAll(async () => {
    server = await createServer({ port: 0, trustKeys: [key.publicKey], ...silent });
  });
  afterAll(() => server.close());

  it('verifies the real signed capture and answers it with XML', async () => {
    expect(capturedBody).toHaveLength(267);
    const reply = await post(`${server.url}/io-push/623cd4f1/555shoe`, capturedBody, {
      headers: { 'X-Sipgate-Signature': capturedSignature, 'User-Agent': 'sipgate.io' },
    });
    expectXml(reply);
    expect(reply.body).toContain('<Gather');
    expect(reply.body).toContain(`${server.url}/audio/`);
  });

  it('answers 401 when any one byte of the signed body changes', async () => {
    const bytes = Buffer.from(capturedBody);
    const statuses = new Set<number>();
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i] = changed[i] === 0x41 ? 0x42 : 0x41; // 'A' or 'B', always a different byte
      const reply = await post(server.url, changed, {
        headers: { 'X-Sipgate-Signature': capturedSignature },
      });
      statuses.add(reply.status);
    }
    expect([...statuses]).toEqual([401]);
  });

  it('answers 401 to an unsigned request, and to a garbage signature', async () => {
    const unsigned = await post(server.url, CONTRACT_CURLS[0]!);
    expect(unsigned.status).toBe(401);
    expect(JSON.parse(unsigned.body).error.code).toMatch(/SIGNATURE/);
    const garbage = await post(server.url, CONTRACT_CURLS[0]!, {
      headers: { 'X-Sipgate-Signature': '%%%not base64%%%' },
    });
    expect(garbage.status).toBe(401);
  });

  it('accepts every curl example of the contract signed by a trusted test key', async () => {
    for (const body of CONTRACT_CURLS) {
      expectXml(await post(server.url, body, { privateKey: key.privateKey }));
    }
  });

  it('refuses a body signed by a key it does not trust', async () => {
    const stranger = testKeyPair();
    const reply = await post(server.url, CONTRACT_CURLS[0]!, { privateKey: stranger.privateKey });
    expect(reply.status).toBe(401);
  });

  it('serves the prompts the flow plays, as 8 kHz mono 16-bit WAV', async () => {
    const reply = await post(server.url, CONTRACT_CURLS[0]!, { privateKey: key.privateKey });
    const url = /<Url>([^<]+)<\/Url>/.exec(reply.body)?.[1];
    expect(url).toBeDefined();
    const audio = await new Promise<Buffer>((resolve, reject) => {
      http
        .get(url!, (response) => {
          expect(response.statusCode).toBe(200);
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve(Buffer.concat(chunks)));
        })
        .on('error', reject);
    });
    expect(audio.toString('latin1', 0, 4)).toBe('RIFF');
    expect(audio.readUInt16LE(20)).toBe(1); // PCM
    expect(audio.readUInt16LE(22)).toBe(1); // mono
    expect(audio.readUInt32LE(24)).toBe(8000);
    expect(audio.readUInt16LE(34)).toBe(16);
  });

  it('answers GET /healthz with 200 JSON', async () => {
    const reply = await send(`${server.url}/healthz`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(reply.body)).toMatchObject({ status: 'ok', flow: 'demo' });
    expect((await send(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});

describe('createServer with signatures off', { timeout: 30_000 }, () => {
  let server: SiphookServer;
  beforeAll(async () => {
    server = await createServer({ port: 0, signature: false, ...silent });
  });
  afterAll(() => server.close());

  it('accepts every curl example of the contract unsigned', async () => {
    for (const body of CONTRACT_CURLS) expectXml(await post(server.url, body));
  });

  // Each bad request gets a 4xx, and the very next good request is answered normally.
  const good = CONTRACT_CURLS[0]!;
  const bad: [string, () => Promise<number>, number][] = [
    [
      'a JSON body',
      async () =>
        (
          await post(server.url, JSON.stringify({ event: 'newCall' }), {
            headers: { 'Content-Type': 'application/json' },
          })
        ).status,
      415,
    ],
    ['a 1 MB body', async () => (await post(server.url, 'a'.repeat(1024 * 1024))).status, 413],
    ['an unknown event', async () => (await post(server.url, 'event=ring&callId=1')).status, 400],
    [
      'a newCall without callId',
      async () =>
        (await post(server.url, 'event=newCall&direction=in&from=1&to=2&user[]=A')).status,
      400,
    ],
    ['a GET', async () => (await send(server.url)).status, 405],
    [
      'a body cut short (complete request, half the fields)',
      async () => (await post(server.url, good.slice(0, 40))).status,
      400,
    ],
  ];
  for (const [name, request, status] of bad) {
    it(`answers ${status} to ${name}, then serves the next request`, async () => {
      expect(await request()).toBe(status);
      expectXml(await post(server.url, good));
    });
  }

  it('survives a body cut off by the connection (Content-Length not reached)', async () => {
    const target = new URL(server.url);
    const raw = await sendRaw(
      server.url,
      `POST / HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${good.length}\r\n\r\n${good.slice(0, 30)}`,
    );
    // The client stopped sending: the server answers 400 if the socket still takes it, or just
    // closes; it must not crash.
    if (raw !== '') expect(raw).toMatch(/^HTTP\/1\.1 4\d\d /);
    expectXml(await post(server.url, good));
  });
});

describe('a whole call through the demo flow, signed by a test key', { timeout: 30_000 }, () => {
  let server: SiphookServer;
  const key = testKeyPair();
  beforeAll(async () => {
    server = await createServer({
      port: 0,
      trustKeys: [key.publicKey],
      publicUrl: undefined,
      ...silent,
    });
  });
  afterAll(() => server.close());

  const push = async (body: string) => {
    const reply = await post(server.url, body, { privateKey: key.privateKey });
    expectXml(reply);
    return reply.body;
  };
  const newCall = (callId: string) =>
    push(
      `event=newCall&direction=in&from=492111234567&to=4915791234567&callId=${callId}&user%5B%5D=Alice`,
    );
  const dtmf = (callId: string, digits: string) =>
    push(`event=dtmf&dtmf=${digits}&callId=${callId}`);
  const menu = () =>
    new RegExp(
      `<Gather onData="${server.url}/dtmf" maxDigits="1" timeout="5000">\\s*<Play>\\s*<Url>${server.url}/audio/welcome[^<]*\\.wav</Url>`,
    );
  const play = (name: string) =>
    new RegExp(`<Play>\\s*<Url>${server.url}/audio/${name}[^<]*\\.wav</Url>\\s*</Play>`);

  it('1: newCall → Gather → dtmf 1 → Dial a number → answer → hangup', async () => {
    const first = await newCall('call-1');
    expect(first).toMatch(menu());
    expect(first).toContain(`onAnswer="${server.url}/answer"`);
    expect(first).toContain(`onHangup="${server.url}/hangup"`);
    const second = await dtmf('call-1', '1');
    expect(second).toMatch(play('connecting'));
    expect(second).toMatch(/<Dial>\s*<Number>4915799912345<\/Number>\s*<\/Dial>/);
    expect(second).not.toContain('<Gather');
    await push('event=answer&callId=call-1&user=Alice');
    await push('event=hangup&cause=normalClearing&callId=call-1');
  });

  it('2: dtmf 2 → the voicemail', async () => {
    await newCall('call-2');
    const reply = await dtmf('call-2', '2');
    expect(reply).toMatch(play('voicemail'));
    expect(reply).toMatch(/<Dial>\s*<Voicemail\s*\/>\s*<\/Dial>/);
  });

  it('no input: asks once more, then says goodbye and hangs up', async () => {
    await newCall('call-3');
    const again = await dtmf('call-3', '');
    expect(again).toMatch(menu());
    expect(again).not.toContain('goodbye');
    const last = await dtmf('call-3', '');
    expect(last).toMatch(play('goodbye'));
    expect(last).toMatch(/<Hangup\s*\/>/);
    // A dtmf push that omits the field (seen live) is "no input" too.
    await newCall('call-3b');
    await push('event=dtmf&callId=call-3b');
    expect(await push('event=dtmf&callId=call-3b')).toMatch(/<Hangup\s*\/>/);
  });

  it('another digit: "invalid choice", then the menu again, and the call goes on', async () => {
    await newCall('call-4');
    const invalid = await dtmf('call-4', '7');
    expect(invalid).toMatch(play('invalid'));
    expect(invalid).toMatch(menu());
    expect(invalid.indexOf('invalid')).toBeLessThan(invalid.indexOf('<Gather'));
    expect(await dtmf('call-4', '9')).toMatch(play('invalid'));
    expect(await dtmf('call-4', '2')).toMatch(/<Voicemail\s*\/>/);
  });

  it('keeps calls apart', async () => {
    await newCall('call-5a');
    await newCall('call-5b');
    await dtmf('call-5a', '');
    expect(await dtmf('call-5b', '1')).toContain('<Number>');
    expect(await dtmf('call-5a', '')).toMatch(/<Hangup\s*\/>/);
  });
});

describe('createServer configuration', { timeout: 30_000 }, () => {
  it('asks for Basic auth when configured, and puts the credentials in the URLs', async () => {
    const server = await createServer({
      port: 0,
      signature: false,
      basicAuth: { username: 'sip', password: 's3cret:x' },
      ...silent,
    });
    try {
      expect(server.webhookUrl).toBe(`${server.url.replace('http://', 'http://sip:s3cret%3Ax@')}/`);
      const refused = await post(server.url, CONTRACT_CURLS[0]!);
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Basic/);
      const authorization = `Basic ${Buffer.from('sip:s3cret:x').toString('base64')}`;
      const ok = await post(server.url, CONTRACT_CURLS[0]!, {
        headers: { Authorization: authorization },
      });
      expectXml(ok);
      expect(ok.body).toContain('onHangup="http://sip:s3cret%3Ax@');
    } finally {
      await server.close();
    }
  });

  it('keeps credentials of publicUrl in callback URLs only: not in Play URLs, not in logs', async () => {
    const lines: string[] = [];
    const server = await createServer({
      port: 0,
      signature: false,
      publicUrl: 'https://sip:s3cret@hooks.example.com/sipgate',
      logger: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }),
    });
    try {
      const reply = await post(`${server.listenUrl}/sipgate`, CONTRACT_CURLS[0]!);
      expectXml(reply);
      expect(reply.body).toContain('onData="https://sip:s3cret@hooks.example.com/sipgate/dtmf"');
      expect(reply.body).toContain('<Url>https://hooks.example.com/sipgate/audio/welcome');
      expect(lines.join('')).not.toContain('s3cret');
    } finally {
      await server.close();
    }
  });

  it('makes prompt and callback URLs from publicUrl, and answers under its path', async () => {
    const server = await createServer({
      port: 0,
      signature: false,
      publicUrl: 'https://hooks.example.com/sipgate/',
      ...silent,
    });
    try {
      expect(server.url).toBe('https://hooks.example.com/sipgate');
      const listen = server.listenUrl;
      const reply = await post(`${listen}/sipgate`, CONTRACT_CURLS[0]!);
      expectXml(reply);
      expect(reply.body).toContain('<Url>https://hooks.example.com/sipgate/audio/welcome');
      expect(reply.body).toContain('onData="https://hooks.example.com/sipgate/dtmf"');
      // A proxy may forward with or without the path prefix: prompts are found either way.
      const name = /audio\/([^<]+)<\/Url>/.exec(reply.body)?.[1];
      expect((await send(`${listen}/sipgate/audio/${name}`)).status).toBe(200);
      expect((await send(`${listen}/audio/${name}`)).status).toBe(200);
      expect((await send(`${listen}/sipgate/healthz`)).status).toBe(200);
      expect((await send(`${listen}/sipgatex/audio/${name}`)).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it('runs a flow file and its own prompts folder', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'siphook-flow-'));
    try {
      await writeFile(
        path.join(dir, 'flow.json'),
        JSON.stringify({
          routes: [
            { match: { from: 'anonymous' }, actions: [{ reject: 'busy' }] },
            { match: { to: '4930*' }, actions: [{ play: 'https://cdn.example/x.wav' }, 'hangup'] },
          ],
        }),
      );
      const server = await createServer({
        port: 0,
        signature: false,
        flow: path.join(dir, 'flow.json'),
        ...silent,
      });
      try {
        const busy = await post(
          server.url,
          'event=newCall&direction=in&from=anonymous&to=4930&callId=a',
        );
        expect(busy.body).toMatch(/<Reject reason="busy"\s*\/>/);
        const played = await post(
          server.url,
          'event=newCall&direction=in&from=1&to=4930123&callId=b',
        );
        expect(played.body).toContain('<Url>https://cdn.example/x.wav</Url>');
        const none = await post(server.url, 'event=newCall&direction=in&from=1&to=4940&callId=c');
        expect(none.body).toMatch(/<Response(\s[^>]*)?\/>|<Response[^>]*>\s*<\/Response>/);
      } finally {
        await server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses to start when a prompt cannot be served, with the audio host's reason", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'siphook-badprompt-'));
    try {
      await mkdir(path.join(dir, 'prompts'));
      await writeFile(path.join(dir, 'prompts', 'broken.wav'), 'this is not audio at all');
      const error = await createServer({
        port: 0,
        flow: { routes: [{ actions: [{ play: 'broken.wav' }] }] },
        cwd: dir,
        ...silent,
      }).catch((e: unknown) => e);
      expect(isSiphookError(error, 'FLOW_INVALID')).toBe(true);
      expect((error as Error).message).toContain('broken.wav');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a flow naming a missing prompt (FLOW_INVALID), and frees the port', async () => {
    const error = await createServer({
      port: 0,
      flow: { routes: [{ actions: [{ play: 'nope.wav' }] }] },
      ...silent,
    }).catch((e: unknown) => e);
    expect(isSiphookError(error, 'FLOW_INVALID')).toBe(true);
    expect((error as Error).message).toContain('nope.wav');
  });

  it('refuses a publicUrl with a query or fragment, even an empty one (the URL rule of @siphook/schema)', async () => {
    for (const publicUrl of [
      'https://hooks.example.com/?',
      'https://hooks.example.com/#',
      'http:///x',
    ]) {
      const error = await createServer({ port: 0, publicUrl }).catch((e: unknown) => e);
      expect(isSiphookError(error, 'OPTIONS_INVALID'), publicUrl).toBe(true);
      expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual([
        'publicUrl',
      ]);
    }
  });

  it('refuses bad config with every wrong field named', async () => {
    const error = await createServer({ port: 70000, publicUrl: 'ftp://x', logLevel: 'loud' }).catch(
      (e: unknown) => e,
    );
    expect(isSiphookError(error, 'OPTIONS_INVALID')).toBe(true);
    expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual([
      'port',
      'publicUrl',
      'logLevel',
    ]);
  });

  it('reports a taken port as LISTEN_FAILED', async () => {
    const first = await createServer({ port: 0, signature: false, ...silent });
    try {
      const port = Number(new URL(first.listenUrl).port);
      const error = await createServer({ port, signature: false, ...silent }).catch(
        (e: unknown) => e,
      );
      expect(isSiphookError(error, 'LISTEN_FAILED')).toBe(true);
    } finally {
      await first.close();
    }
  });
});

describe('graceful close', { timeout: 30_000 }, () => {
  it('finishes a request in flight, refuses new connections, then resolves', async () => {
    const server = await createServer({ port: 0, signature: false, ...silent });
    const body = CONTRACT_CURLS[0]!;
    const target = new URL(server.url);
    // A request whose body is still to come when close() is called: the server has its headers
    // once it answers `100 Continue` (no timing guesses).
    const request = http.request({
      host: target.hostname,
      port: target.port,
      method: 'POST',
      agent: false,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': body.length,
        Expect: '100-continue',
      },
    });
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
    });
    request.flushHeaders();
    await once(request, 'continue');
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    await expect(send(`${server.url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    request.end(body);
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<Gather');
    await closing;
    expect(closed).toBe(true);
    expect(server.server.listening).toBe(false);
  });

  it('cuts a request that outlives graceMs', async () => {
    const server = await createServer({ port: 0, signature: false, graceMs: 200, ...silent });
    const target = new URL(server.url);
    const request = http.request({
      host: target.hostname,
      port: target.port,
      method: 'POST',
      agent: false,
      headers: { 'Content-Length': 100, Expect: '100-continue' },
    });
    const failed = new Promise((resolve) => request.on('error', resolve));
    request.flushHeaders();
    await once(request, 'continue');
    await server.close();
    expect(await failed).toMatchObject({ code: 'ECONNRESET' });
  });
});

// Keeps the signing helper honest: a signature over other bytes must not verify.
it('signBody signs exactly the bytes given', () => {
  const key = testKeyPair();
  expect(signBody('a', key.privateKey)).not.toBe(signBody('b', key.privateKey));
});
