import type { KeyObject } from 'node:crypto';
import { Agent, request } from 'undici';
import { SIGNATURE_HEADER, signBody } from './sign-body.js';
import type { PushTarget } from './target-url.js';

/** The headers sipgate.io sends with every push (NOTES.md, captured live traffic). */
export const PUSH_HEADERS = {
  'user-agent': 'sipgate.io',
  'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
  accept: 'application/xml, text/plain, text/html',
} as const;

/**
 * A push the simulator sends as sipgate.io would: where, what, and how to dress it. (Not the
 * webhook's `PushRequest`, which is a push as a server receives it.)
 */
export interface SimulatedPush {
  target: PushTarget;
  body: string | Uint8Array;
  /** Sign the body (`X-Sipgate-Signature`) with this key. */
  signKey?: KeyObject;
  /** Replace or add headers (probes use this to send JSON or drop the signature). */
  headers?: Record<string, string>;
  /** Sign these bytes instead of `body` (the tampered-body probe). */
  signedBody?: string | Uint8Array;
  /** Gives up on the push when this aborts (the call's time limit). */
  signal?: AbortSignal;
}

/** What came back: a response (body read up to the cap) or why none did. */
export type PushResult =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string>;
      contentType: string | undefined;
      body: Buffer;
      /** True when the body was longer than the cap and reading stopped there. */
      truncated: boolean;
      elapsedMs: number;
    }
  | {
      kind: 'error';
      /** `TIMEOUT`, `CONNECTION_REFUSED`, `HOST_NOT_FOUND`, `CONNECTION_DROPPED` or `REQUEST_FAILED`. */
      code: PushErrorCode;
      message: string;
      elapsedMs: number;
    };

/** Why a push got no response. */
export type PushErrorCode =
  | 'TIMEOUT'
  | 'CONNECTION_REFUSED'
  | 'HOST_NOT_FOUND'
  | 'CONNECTION_DROPPED'
  | 'REQUEST_FAILED';

/** Limits of the client; every push is bounded in time and bytes, and never follows a redirect. */
export interface PushClientOptions {
  /** The whole exchange (connect, headers, body) must finish within this; default 10000 ms. */
  timeoutMs: number;
  /** Response bytes read at most; default 65536. */
  maxBodyBytes: number;
}

/** Sends pushes over one connection pool; `close()` it when the call is done. */
export interface PushClient {
  send(push: SimulatedPush): Promise<PushResult>;
  close(): Promise<void>;
}

/**
 * Creates the HTTP client the simulator pushes with (undici 7). undici's `request` follows no
 * redirects, which is what sipgate.io does with a push; a 3xx is reported as the status it is.
 */
export function createPushClient(options: PushClientOptions): PushClient {
  const agent = new Agent({
    connect: { timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 1000,
  });
  return {
    send: (push) => sendPush(agent, push, options),
    close: async () => {
      await agent.destroy();
    },
  };
}

async function sendPush(
  agent: Agent,
  push: SimulatedPush,
  options: PushClientOptions,
): Promise<PushResult> {
  const headers: Record<string, string> = { ...PUSH_HEADERS };
  if (push.target.authorization) headers.authorization = push.target.authorization;
  if (push.signKey) {
    headers[SIGNATURE_HEADER.toLowerCase()] = signBody(push.signedBody ?? push.body, push.signKey);
  }
  for (const [name, value] of Object.entries(push.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const giveUp = (): void => controller.abort();
  if (push.signal?.aborted) giveUp();
  push.signal?.addEventListener('abort', giveUp, { once: true });
  try {
    const response = await request(push.target.url, {
      method: 'POST',
      headers,
      body: typeof push.body === 'string' ? push.body : Buffer.from(push.body),
      dispatcher: agent,
      signal: controller.signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      if (size + buffer.length > options.maxBodyBytes) {
        chunks.push(buffer.subarray(0, options.maxBodyBytes - size));
        size = options.maxBodyBytes;
        truncated = true;
        response.body.destroy();
        break;
      }
      chunks.push(buffer);
      size += buffer.length;
    }
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return {
      kind: 'response',
      status: response.statusCode,
      headers: flat,
      contentType: flat['content-type'],
      body: Buffer.concat(chunks),
      truncated,
      elapsedMs: elapsed(),
    };
  } catch (error) {
    if (controller.signal.aborted) {
      return {
        kind: 'error',
        code: 'TIMEOUT',
        message: `no complete answer within ${options.timeoutMs} ms`,
        elapsedMs: elapsed(),
      };
    }
    return { kind: 'error', ...describeFailure(error), elapsedMs: elapsed() };
  } finally {
    clearTimeout(timer);
    push.signal?.removeEventListener('abort', giveUp);
  }
}

/** Maps undici and socket errors to a stable code and a message that names the cause. */
function describeFailure(error: unknown): { code: PushErrorCode; message: string } {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const item = current as { code?: unknown; errors?: unknown[]; cause?: unknown };
    if (typeof item.code === 'string') codes.push(item.code);
    if (Array.isArray(item.errors)) {
      for (const inner of item.errors) {
        const code = (inner as { code?: unknown }).code;
        if (typeof code === 'string') codes.push(code);
      }
    }
    current = item.cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (codes.includes('ECONNREFUSED')) {
    return { code: 'CONNECTION_REFUSED', message: `connection refused (${message})` };
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
    return { code: 'HOST_NOT_FOUND', message: `host not found (${message})` };
  }
  if (codes.some((code) => code.includes('TIMEOUT'))) {
    return { code: 'TIMEOUT', message: `timed out (${message})` };
  }
  if (
    codes.some((code) => ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(code))
  ) {
    return {
      code: 'CONNECTION_DROPPED',
      message: `connection closed without a complete answer (${message})`,
    };
  }
  return { code: 'REQUEST_FAILED', message: `request failed (${message})` };
}
