import type { BasicAuthCheck } from '@siphook/schema';
import { parseByteRange } from './byte-range.js';
import { ifRangeAllows, isNotModified, preconditionFails } from './conditional-request.js';
import {
  METHOD_NOT_ALLOWED,
  NOT_FOUND,
  PRECONDITION_FAILED,
  pathRefused,
  rangeNotSatisfiable,
  SIGNATURE_REFUSED,
  UNAUTHORIZED,
} from './error-replies.js';
import type { FileIdentity } from './file-identity.js';
import type { PromptIndex, ServedName } from './prompt-index.js';
import { parseRequestTarget } from './request-target.js';
import { verifySignedQuery } from './signed-url.js';

/** The request headers the host reads, lower-case as node:http gives them. */
export interface RequestHeaders {
  range?: string | undefined;
  'if-match'?: string | undefined;
  'if-unmodified-since'?: string | undefined;
  'if-none-match'?: string | undefined;
  'if-modified-since'?: string | undefined;
  'if-range'?: string | undefined;
  authorization?: string | undefined;
}

/** A part of a file on disk to stream (for prompts larger than `maxMemoryBytes`). */
export interface FileSlice {
  path: string;
  start: number;
  /** Inclusive. */
  end: number;
  /** Recorded at ingest; the opened file must still be this one. */
  identity: FileIdentity;
}

/** What to answer: status, headers and at most one of an in-memory body or a file slice. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | null;
  file: FileSlice | null;
}

/** Everything a reply depends on besides the request; swapped as a whole after each scan. */
export interface HostState {
  index: PromptIndex;
  basePath: string;
  listing: boolean;
  /** The manifest served at `/` and `/index.json` when `listing` is on. */
  manifest: Uint8Array;
  checkAuth: BasicAuthCheck | undefined;
  signingSecret: string | undefined;
}

/** Why a request was refused, for the log; `undefined` for successful replies. */
export interface Decision {
  reply: Reply;
  refusal?: string;
}

/**
 * Decides the reply to one request, in this order: method (405), mount (404), request-target
 * safety (400), Basic auth (401), signature (403), lookup (404), preconditions (412), conditionals
 * (304), Range (206 or 416), then 200. Auth comes before lookup so that nothing reveals which names exist.
 */
export function decideReply(
  state: HostState,
  method: string | undefined,
  rawTarget: string,
  headers: RequestHeaders,
  nowSeconds: number,
): Decision {
  if (method !== 'GET' && method !== 'HEAD') return { reply: METHOD_NOT_ALLOWED };
  let target = rawTarget;
  if (state.basePath !== '') {
    if (!target.startsWith(state.basePath)) return { reply: NOT_FOUND };
    target = target.slice(state.basePath.length);
    const next = target.charCodeAt(0);
    if (target === '' || next === 63 /* ? */) target = `/${target}`;
    else if (next !== 47 /* / */) return { reply: NOT_FOUND };
  }
  const parsed = parseRequestTarget(target);
  if (!parsed.ok) return { reply: pathRefused(parsed.reason), refusal: parsed.reason };
  if (state.checkAuth !== undefined && !state.checkAuth(headers.authorization)) {
    return { reply: UNAUTHORIZED, refusal: 'missing or wrong Basic credentials' };
  }
  if (state.signingSecret !== undefined) {
    const verdict = verifySignedQuery(state.signingSecret, parsed.name, parsed.query, nowSeconds);
    if (verdict !== 'ok') {
      return { reply: SIGNATURE_REFUSED[verdict], refusal: `signature ${verdict}` };
    }
  }
  if (parsed.name === '' || parsed.name === 'index.json') {
    if (!state.listing) return { reply: NOT_FOUND };
    return {
      reply: {
        status: 200,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': String(state.manifest.length),
          'Cache-Control': 'no-cache',
          'X-Content-Type-Options': 'nosniff',
        },
        body: state.manifest,
        file: null,
      },
    };
  }
  const served = state.index.byName.get(parsed.name);
  if (served === undefined || (served.retiredUntil !== 0 && Date.now() > served.retiredUntil)) {
    return { reply: NOT_FOUND };
  }
  return { reply: replyFor(served, method, headers) };
}

/** The reply for a known prompt name: 412, 304, 206, 416 or 200, in the order of RFC 9110 §13.2.2. */
export function replyFor(served: ServedName, method: string, headers: RequestHeaders): Reply {
  const { prompt } = served;
  if (
    preconditionFails(
      headers['if-match'],
      headers['if-unmodified-since'],
      prompt.etag,
      prompt.mtime.getTime(),
    )
  ) {
    return PRECONDITION_FAILED;
  }
  if (
    isNotModified(
      headers['if-none-match'],
      headers['if-modified-since'],
      prompt.etag,
      prompt.mtime.getTime(),
    )
  ) {
    return { status: 304, headers: served.notModifiedHeaders, body: null, file: null };
  }
  // Range is defined for GET only (RFC 9110 §14.2); HEAD gets the full headers.
  if (
    method === 'GET' &&
    headers.range !== undefined &&
    ifRangeAllows(headers['if-range'], prompt.etag, served.lastModified)
  ) {
    const range = parseByteRange(headers.range, prompt.size);
    if (range.kind === 'unsatisfiable') {
      return rangeNotSatisfiable(prompt.size);
    }
    if (range.kind === 'partial') {
      const { start, end } = range;
      return {
        status: 206,
        headers: {
          ...served.headers,
          'Content-Length': String(end - start + 1),
          'Content-Range': `bytes ${start}-${end}/${prompt.size}`,
        },
        body: prompt.bytes === null ? null : prompt.bytes.subarray(start, end + 1),
        file: prompt.bytes === null ? fileSlice(served, start, end) : null,
      };
    }
  }
  return {
    status: 200,
    headers: served.headers,
    body: prompt.bytes,
    file: prompt.bytes === null ? fileSlice(served, 0, prompt.size - 1) : null,
  };
}

function fileSlice(served: ServedName, start: number, end: number): FileSlice {
  const { prompt } = served;
  return { path: prompt.path, start, end, identity: prompt.pathIdentity };
}
