import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { basicAuthorization } from '@siphook/schema';
import { generateTestKeyPair, SIGNATURE_HEADER, signBody, simulateCall } from '@siphook/simulator';
import { toNodeListener } from '@siphook/webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECT_NUMBER, createMenuHandler, readMenuSettings } from '../src/menu.js';
import type { RuntimeName } from '../src/runtimes.js';
import {
  missingRuntime,
  type RunningExample,
  servePrompts,
  startExample,
} from './serve-example.js';

const keys = generateTestKeyPair();
const credentials = { username: 'sipgate', password: 'menu-secret' };
const FORM = 'application/x-www-form-urlencoded';
const NEW_CALL =
  'event=newCall&from=492111234567&to=4915791234567&direction=in&callId=c1&user%5B%5D=Alice';
const LIMIT = 65_536;

/** One request the Node server refuses, with the status it answers. */
interface RefusedPush {
  name: string;
  status: number;
  code: string;
  request: () => RequestInit;
}

function signedPush(body: string, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': FORM,
      authorization: basicAuthorization(credentials),
      [SIGNATURE_HEADER]: signBody(body, keys.privateKey),
      ...headers,
    },
  };
}

function tampered(body: string): RequestInit {
  const init = signedPush(body);
  return { ...init, body: body.replace('from=492111234567', 'from=492111234568') };
}

/**
 * A body over the limit sent in chunks without Content-Length (the limit is counted while
 * reading), over a raw socket as curl sends it: the answer is read even when the server closes
 * before the rest of the body is written (workerd answers 413 with `Connection: close`, where
 * undici's fetch gives up on the write error and never reads it).
 */
async function chunkedOversizeAnswer(url: string): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {}); // EPIPE / ECONNRESET after the answer: what is read counts
  const chunk = `4000\r\n${'x'.repeat(0x4000)}\r\n`;
  let received = '';
  const answered = new Promise<void>((resolve) => {
    socket.on('data', (data) => {
      received += data.toString('latin1');
      const split = received.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(received)?.[1];
      if (split >= 0 && length !== undefined && received.length >= split + 4 + Number(length)) {
        resolve();
      }
    });
    socket.on('close', () => resolve());
  });
  socket.write(
    `POST / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: ${FORM}\r\n` +
      `Authorization: ${basicAuthorization(credentials)}\r\nTransfer-Encoding: chunked\r\n\r\n`,
  );
  for (let sent = 0; sent <= LIMIT * 2 && socket.writable; sent += 0x4000) socket.write(chunk);
  await answered;
  socket.destroy();
  const split = received.indexOf('\r\n\r\n');
  const head = received.slice(0, split);
  const header = (name: string) =>
    new RegExp(`\r\n${name}: *([^\r]*)`, 'i').exec(head)?.[1] ?? null;
  return {
    status: Number(head.split(' ')[1]),
    contentType: header('content-type'),
    allow: header('allow'),
    wwwAuthenticate: header('www-authenticate'),
    body: received.slice(split + 4),
  };
}

const REFUSED: RefusedPush[] = [
  { name: 'wrong method', status: 405, code: 'METHOD_NOT_ALLOWED', request: () => ({}) },
  {
    name: 'wrong content type',
    status: 415,
    code: 'CONTENT_TYPE_UNSUPPORTED',
    request: () => signedPush(NEW_CALL, { 'content-type': 'text/plain' }),
  },
  {
    name: 'body over the limit (Content-Length)',
    status: 413,
    code: 'BODY_TOO_LARGE',
    request: () => signedPush(`${NEW_CALL}&pad=${'x'.repeat(LIMIT)}`),
  },
  {
    name: 'bad Basic auth',
    status: 401,
    code: 'BASIC_AUTH_INVALID',
    request: () =>
      signedPush(NEW_CALL, {
        authorization: basicAuthorization({ ...credentials, password: 'wrong' }),
      }),
  },
  {
    name: 'unsigned push',
    status: 401,
    code: 'SIGNATURE_MISSING',
    request: () => {
      const { [SIGNATURE_HEADER]: _, ...headers } = signedPush(NEW_CALL).headers as Record<
        string,
        string
      >;
      return { method: 'POST', body: NEW_CALL, headers };
    },
  },
  {
    name: 'tampered push',
    status: 401,
    code: 'SIGNATURE_INVALID',
    request: () => tampered(NEW_CALL),
  },
  {
    name: 'undecodable push (unknown event)',
    status: 400,
    code: 'EVENT_UNKNOWN',
    request: () => signedPush('event=transfer&callId=c1'),
  },
  {
    name: 'undecodable push (hangup without callId)',
    status: 400,
    code: 'EVENT_INVALID',
    request: () => signedPush('event=hangup&cause=normalClearing'),
  },
];

/** What a client sees of an answer: compared field by field with the Node server's. */
interface Answer {
  status: number;
  contentType: string | null;
  allow: string | null;
  wwwAuthenticate: string | null;
  body: string;
}

async function answerOf(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    allow: response.headers.get('allow'),
    wwwAuthenticate: response.headers.get('www-authenticate'),
    body: await response.text(),
  };
}

/**
 * The example on `runtime`, started through `npm run example:runtime`'s script: a signed call
 * through the whole menu, then every push the Node server refuses, refused the same way, then a
 * handler that throws or hangs answered with the fallback within sipgate.io's 10 s.
 */
export function describeRuntime(runtime: RuntimeName): void {
  const missing = missingRuntime(runtime);
  // Written past vitest's console capture, which the config silences for passing files.
  if (missing !== undefined)
    process.stderr.write(`skipping the ${runtime} example tests: ${missing}\n`);

  describe.skipIf(missing !== undefined)(`the menu example on ${runtime}`, () => {
    let example: RunningExample;
    let prompts: Awaited<ReturnType<typeof servePrompts>>;
    let reference: Server;
    let referenceUrl: string;

    beforeAll(async () => {
      prompts = await servePrompts();
      const env: Record<string, string> = {
        SIPHOOK_TRUST_KEY: keys.publicKey,
        SIPHOOK_PROMPTS_URL: prompts.url,
        SIPHOOK_BASIC_AUTH: `${credentials.username}:${credentials.password}`,
        SIPHOOK_DEADLINE_MS: '3000',
        SIPHOOK_EXAMPLE_FAULTS: '1',
      };
      // Every push passes the allow list only if the runtime's adapter hands the core the
      // caller's address (without one, every push is refused). Under local workerd there is
      // none: on Cloudflare it is CF-Connecting-IP, which only Cloudflare's edge sets.
      if (runtime !== 'workerd') env.SIPHOOK_ALLOW_LIST = '127.0.0.0/8, ::1';
      // The Node server, in this process: what every runtime must answer alike.
      const handler = createMenuHandler(readMenuSettings((name) => env[name]));
      reference = createServer(toNodeListener(handler));
      await new Promise<void>((resolve) => reference.listen(0, '127.0.0.1', resolve));
      referenceUrl = `http://127.0.0.1:${(reference.address() as AddressInfo).port}/`;
      example = await startExample(runtime, env);
    }, 60_000);

    afterAll(async () => {
      await example?.stop();
      await prompts?.close();
      await new Promise((resolve) => reference?.close(resolve));
    });

    const simulate = (dtmf: string[]) =>
      simulateCall(example.url, { dtmf }, { signKey: keys.privateKey, basicAuth: credentials });

    it('connects a signed call on 1 after a wrong key, prompts fetched and checked', async () => {
      const report = await simulate(['7', '1']);
      expect(
        report.checks.filter((check) => !check.ok),
        example.output(),
      ).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.outcome).toMatchObject({ kind: 'dialed' });
      expect(JSON.stringify(report.steps)).toContain(CONNECT_NUMBER);
      expect(JSON.stringify(report.steps)).toContain('invalid.wav');
    });

    it('sends a signed call to the voicemail on 2', async () => {
      const report = await simulate(['2']);
      expect(report.ok, example.output()).toBe(true);
      expect(JSON.stringify(report.steps)).toContain('voicemail.wav');
    });

    it('says goodbye and hangs up after no input twice', async () => {
      const report = await simulate(['', '']);
      expect(report.ok, example.output()).toBe(true);
      expect(report.outcome).toMatchObject({ kind: 'hungUp' });
      expect(JSON.stringify(report.steps)).toContain('goodbye.wav');
    });

    it.each(REFUSED)('refuses a $name as the Node server does ($status $code)', async (push) => {
      const answer = await answerOf(example.url, push.request());
      expect(answer.status).toBe(push.status);
      expect(JSON.parse(answer.body).error.code).toBe(push.code);
      expect(answer).toEqual(await answerOf(referenceUrl, push.request()));
    });

    it('refuses a chunked body over the limit as the Node server does (413 BODY_TOO_LARGE)', async () => {
      const answer = await chunkedOversizeAnswer(example.url);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).error.code).toBe('BODY_TOO_LARGE');
      expect(answer).toEqual(await chunkedOversizeAnswer(referenceUrl));
    });

    it('refuses a caller outside the allow list (403 ADDRESS_NOT_ALLOWED)', async () => {
      const outside = await startExample(runtime, { SIPHOOK_ALLOW_LIST: '192.0.2.0/24' });
      try {
        const answer = await answerOf(outside.url, signedPush(NEW_CALL));
        expect(answer.status).toBe(403);
        expect(JSON.parse(answer.body).error.code).toBe('ADDRESS_NOT_ALLOWED');
      } finally {
        await outside.stop();
      }
    });

    it('refuses a SIPHOOK_TRUST_KEY that is no key, naming the setting', async () => {
      const env = { SIPHOOK_TRUST_KEY: 'not a key' };
      const reason = /signature\.publicKeys\[1\]: expected an RSA public key/;
      if (runtime !== 'workerd') {
        // The start contract ends with exit code 2 and the reason, not a stack trace.
        await expect(startExample(runtime, env)).rejects.toThrow(
          new RegExp(`exited with 2:[\\s\\S]*menu settings: ${reason.source}`),
        );
        return;
      }
      // A Worker cannot exit: every request is answered 500 with the reason.
      const broken = await startExample(runtime, env);
      try {
        const answer = await answerOf(broken.url, signedPush(NEW_CALL));
        expect(answer.status).toBe(500);
        expect(JSON.parse(answer.body).error.message).toMatch(reason);
      } finally {
        await broken.stop();
      }
    });

    it.each([
      ['throws', '8'],
      ['never answers', '9'],
    ])('answers the fallback XML when the handler %s, within 10 s', async (_what, digit) => {
      const push = () => signedPush(`event=dtmf&dtmf=${digit}&callId=fault${digit}`);
      const [answer, expected] = await Promise.all([
        answerOf(example.url, push()),
        answerOf(referenceUrl, push()),
      ]);
      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(/^application\/xml/);
      expect(answer.body).toContain('<Response');
      expect(answer).toEqual(expected);
    });
  });
}
