import { HTTP_URL_EXPECTED, isHttpUrl } from '@siphook/schema';
import { type ErrorCode, SiphookError } from '@siphook/schema/errors';
import type { Dispatcher } from 'undici';
import { checkPlayable } from './check-playable.js';
import { inspectWavHead } from './inspect-wav.js';
import type { WavInfo, WavProblem } from './wav-info.js';

/** Options for {@link checkUrl}. */
export interface CheckUrlOptions {
  /** Most body bytes to read, and the size of the Range asked for (default 65536). */
  maxBytes?: number;
  /** Most redirects to follow (default 3). */
  maxRedirects?: number;
  /** Total time for connecting, every redirect, headers and body (default 5000 ms). */
  timeoutMs?: number;
  /** Extra request headers, e.g. `authorization`; dropped when a redirect leaves the origin. */
  headers?: Record<string, string>;
}

/** The verdict of {@link checkUrl}: the Play rule for the file, plus what the server said. */
export interface CheckUrlResult {
  /** True when the URL answers with a file sipgate.io will play. */
  ok: boolean;
  /** The URL as given. */
  url: string;
  /** The URL after redirects. */
  finalUrl: string;
  /** Each URL redirected to, in order. */
  redirects: string[];
  /** HTTP status of the final response. */
  status?: number;
  contentType?: string;
  /** Total size of the file according to Content-Range or Content-Length, when the server said. */
  totalSize?: number;
  /** Body bytes taken in for inspection; never more than `maxBytes`. */
  bytesRead: number;
  /**
   * Body bytes the HTTP client handed over before the body was aborted: `bytesRead` plus the rest of
   * the last network read (at most one read more).
   */
  bytesReceived: number;
  info?: WavInfo;
  /** Reasons the URL will not play: WAV_* from {@link checkPlayable} and URL_* from the request. */
  problems: WavProblem[];
  /** Things that may still play but deserve a look, such as a wrong Content-Type. */
  warnings: WavProblem[];
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const WAV_CONTENT_TYPES = new Set(['audio/wav', 'audio/x-wav', 'audio/wave']);
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
const CONTENT_RANGE = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i;

/**
 * Checks that a Play URL serves a playable WAV file, reading only its header: it asks for
 * `Range: bytes=0-65535` and, if the server sends the whole file anyway, stops reading as soon as
 * the header is parsed (or `maxBytes` arrived). It follows at most 3 redirects itself (so it can
 * count them and refuse loops), gives up after 5 s in total, wants status 200 or 206, warns about a
 * Content-Type other than audio/wav, audio/x-wav or audio/wave, and compares Content-Length or the
 * Content-Range total with the sizes in the header. It never downloads the rest of the file.
 * Failures are reported in `problems`, not thrown.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` only for options that are not positive integers.
 *
 * @example
 * const result = await checkUrl('https://example.com/audio/welcome.wav');
 * result.ok // true
 * result.bytesRead // at most 65536
 */
export async function checkUrl(
  url: string,
  options: CheckUrlOptions = {},
): Promise<CheckUrlResult> {
  const maxBytes = positiveInteger(options.maxBytes, 65536, 'maxBytes');
  const maxRedirects = nonNegativeInteger(options.maxRedirects, 3, 'maxRedirects');
  const timeoutMs = positiveInteger(options.timeoutMs, 5000, 'timeoutMs');
  const result: CheckUrlResult = {
    ok: false,
    url,
    finalUrl: url,
    redirects: [],
    bytesRead: 0,
    bytesReceived: 0,
    problems: [],
    warnings: [],
  };
  if (!isHttpUrl(url)) {
    result.problems.push(urlProblem('URL_INVALID', 'URL', describe(url), HTTP_URL_EXPECTED));
    return result;
  }
  let current = new URL(url);

  // undici loads on first use: converting or inspecting files never pays for it (~140 ms cold).
  const { Agent, request } = await import('undici');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  // A private agent per check: its sockets die with it, so an aborted body cannot linger in a pool.
  const agent = new Agent({
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  let headers: Record<string, string> = {
    ...basicAuthOf(current),
    ...lowerCaseKeys(options.headers ?? {}),
    range: `bytes=0-${maxBytes - 1}`,
    'accept-encoding': 'identity',
  };
  // sipgate.io fetches `https://user:pass@host/…` Play URLs with Basic auth; undici would not.
  current.username = '';
  current.password = '';
  let body: Dispatcher.ResponseData['body'] | undefined;
  let head: Uint8Array | undefined;
  let filled = 0;
  let ended = false;
  /** Bytes the body must deliver once the header is parsed: up to the data's end, at most maxBytes. */
  let wanted: number | undefined;
  /** Set when the body broke off (undici error) after the header was parsed. */
  let brokeOff: string | undefined;
  try {
    let response: Dispatcher.ResponseData;
    const visited = new Set([current.href]);
    for (;;) {
      response = await request(current, {
        dispatcher: agent,
        method: 'GET',
        headers,
        signal: controller.signal,
      });
      result.status = response.statusCode;
      if (!REDIRECT_STATUSES.has(response.statusCode)) break;
      discard(response.body);
      const location = firstHeader(response.headers.location);
      if (location === undefined) {
        result.problems.push(
          urlProblem(
            'URL_STATUS',
            'redirect',
            `${response.statusCode} without Location`,
            'a Location header',
          ),
        );
        return result;
      }
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        result.problems.push(
          urlProblem('URL_REDIRECT_INVALID', 'redirect Location', describe(location), 'a URL'),
        );
        return result;
      }
      if (!isHttpUrl(next.href)) {
        result.problems.push(
          urlProblem(
            'URL_REDIRECT_INVALID',
            'redirect Location',
            describe(next.href),
            HTTP_URL_EXPECTED,
          ),
        );
        return result;
      }
      if (visited.has(next.href)) {
        result.problems.push({
          code: 'URL_REDIRECT_LOOP',
          message: `redirect to ${describe(next.href)} loops back to a URL already visited; a Play URL must lead to the file`,
          field: 'redirects',
          received: `a loop after ${result.redirects.length + 1} redirect(s)`,
          expected: 'no loop',
        });
        return result;
      }
      if (result.redirects.length >= maxRedirects) {
        result.problems.push({
          code: 'URL_TOO_MANY_REDIRECTS',
          message: `more than ${maxRedirects} redirects; the last one pointed to ${describe(next.href)}`,
          field: 'redirects',
          received: `more than ${maxRedirects}`,
          expected: `at most ${maxRedirects}`,
        });
        return result;
      }
      if (next.origin !== current.origin) headers = withoutCredentials(headers);
      visited.add(next.href);
      result.redirects.push(next.href);
      result.finalUrl = next.href;
      current = next;
    }

    const status = response.statusCode;
    if (status !== 200 && status !== 206) {
      discard(response.body);
      const hint =
        status === 416
          ? ' (the server says the range cannot be satisfied: the file is probably empty)'
          : '';
      result.problems.push({
        code: 'URL_STATUS',
        message: `HTTP status is ${status}${hint}; a Play URL must answer 200 or 206`,
        field: 'HTTP status',
        received: String(status),
        expected: '200 or 206',
      });
      return result;
    }
    checkContentType(response, result);
    const total = totalSize(response, result);
    if (total !== undefined) result.totalSize = total;

    // Our own bound, never a size the server or the file declares.
    head = new Uint8Array(maxBytes);
    body = response.body;
    // After the header, read on into the audio (up to maxBytes): a body that stalls or ends
    // early would make sipgate.io play silence or cut the prompt.
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      result.bytesReceived += chunk.length;
      const take = Math.min(chunk.length, maxBytes - filled);
      head.set(chunk.subarray(0, take), filled);
      filled += take;
      result.bytesRead = filled;
      if (filled >= maxBytes) break;
      if (wanted === undefined) {
        const info = inspectWavHead(head.subarray(0, filled), total);
        if (needsMore(info)) continue;
        wanted = Math.min(maxBytes, expectedEnd(info, total) ?? filled);
      }
      if (filled >= wanted) break;
    }
    ended = body.readableEnded;
  } catch (error) {
    if (controller.signal.aborted && wanted !== undefined) {
      // The header arrived, the audio did not: reported below as WAV_STALLED.
    } else if (wanted !== undefined) {
      brokeOff = error instanceof Error ? error.message : String(error);
    } else if (controller.signal.aborted) {
      result.problems.push({
        code: 'URL_TIMEOUT',
        message: `no complete WAV header within ${timeoutMs} ms (${result.bytesRead} body bytes read); a Play URL must answer quickly`,
        field: 'time',
        received: `more than ${timeoutMs} ms`,
        expected: `at most ${timeoutMs} ms`,
      });
    } else {
      const reason = error instanceof Error ? error.message : String(error);
      const cause =
        (error as { code?: string; cause?: { code?: string } }).cause?.code ??
        (error as { code?: string }).code;
      result.problems.push({
        code: head === undefined ? 'URL_UNREACHABLE' : 'URL_BODY',
        message: `${head === undefined ? 'request' : 'reading the body'} failed: ${reason}${cause ? ` (${cause})` : ''}`,
        field: 'request',
        received: cause ?? reason,
        expected: 'a response',
      });
    }
  } finally {
    clearTimeout(timer);
    if (body !== undefined) discard(body);
    await agent.destroy().catch(() => {});
  }

  /** The body stopped short of the audio it promised: stalled (timeout) or ended (closed). */
  const cutShort = (): WavProblem => {
    const expected = `${wanted} bytes (the header and the audio after it, up to ${maxBytes})`;
    if (brokeOff === undefined && !ended)
      return {
        code: 'WAV_STALLED',
        message: `the body stalled after ${result.bytesReceived} bytes: nothing more arrived within ${timeoutMs} ms, where ${expected} were expected; sipgate.io would play silence`,
        field: 'body',
        received: `${result.bytesReceived} bytes, then nothing for the rest of ${timeoutMs} ms`,
        expected,
      };
    return {
      code: 'WAV_TRUNCATED',
      message: `the body ended after ${result.bytesReceived} bytes${brokeOff === undefined ? '' : ` (${brokeOff})`}, where ${expected} were expected; sipgate.io would cut the prompt`,
      field: 'body',
      received: `${result.bytesReceived} bytes`,
      expected,
    };
  };
  if (head !== undefined && (filled > 0 || ended)) {
    const size = result.totalSize ?? (ended ? filled : undefined);
    const info = inspectWavHead(head.subarray(0, filled), size);
    result.info = info;
    if (wanted !== undefined && filled < wanted) result.problems.push(cutShort());
    const playable = checkPlayable(info);
    for (const problem of playable.problems) {
      if (!result.problems.some((known) => known.code === problem.code))
        result.problems.push(problem);
    }
    checkLength(info, result);
  }
  result.ok = result.problems.length === 0;
  return result;
}

/**
 * Where the bytes a Play file needs end: the end of its data (clamped to the file's size, which
 * also stands in for the streaming placeholder size), or undefined when the header says nothing.
 */
function expectedEnd(info: WavInfo, total: number | undefined): number | undefined {
  const { dataOffset, dataSize } = info;
  if (info.container === 'unknown' || dataOffset === undefined) return undefined;
  const end = dataSize === undefined || dataSize === 0xffffffff ? Infinity : dataOffset + dataSize;
  return Math.min(end, total ?? Infinity);
}

/** True while the walk stopped only because the bytes so far ran out. */
function needsMore(info: WavInfo): boolean {
  return info.problems.some((problem) => problem.code === 'WAV_HEADER_INCOMPLETE');
}

function checkContentType(response: Dispatcher.ResponseData, result: CheckUrlResult): void {
  const contentType = firstHeader(response.headers['content-type']);
  if (contentType !== undefined) result.contentType = contentType;
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === undefined || !WAV_CONTENT_TYPES.has(mediaType)) {
    result.warnings.push({
      code: 'URL_CONTENT_TYPE',
      message: `Content-Type is ${contentType === undefined ? 'missing' : describe(contentType)}; expected audio/wav, audio/x-wav or audio/wave`,
      field: 'Content-Type',
      received: contentType ?? 'none',
      expected: 'audio/wav, audio/x-wav or audio/wave',
    });
  }
}

/** The file's total size from Content-Range (206) or Content-Length (200). */
function totalSize(response: Dispatcher.ResponseData, result: CheckUrlResult): number | undefined {
  if (response.statusCode === 206) {
    const range = firstHeader(response.headers['content-range']);
    const match = range === undefined ? null : CONTENT_RANGE.exec(range.trim());
    if (match === null) {
      result.warnings.push({
        code: 'URL_CONTENT_RANGE',
        message: `Content-Range is ${range === undefined ? 'missing' : describe(range)}; expected "bytes 0-N/TOTAL"`,
        field: 'Content-Range',
        received: range ?? 'none',
        expected: 'bytes 0-N/TOTAL',
      });
      return undefined;
    }
    if (match[1] !== '0') {
      result.problems.push({
        code: 'URL_CONTENT_RANGE',
        message: `Content-Range starts at byte ${match[1]}; the range asked for starts at 0`,
        field: 'Content-Range',
        received: range!,
        expected: 'bytes 0-…',
      });
    }
    return match[3] === '*' ? undefined : Number(match[3]);
  }
  const length = firstHeader(response.headers['content-length']);
  return length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
}

function checkLength(info: WavInfo, result: CheckUrlResult): void {
  if (info.container === 'unknown') return;
  if (result.totalSize === undefined) {
    result.warnings.push({
      code: 'URL_LENGTH_UNKNOWN',
      message:
        'the server sent neither Content-Length nor a Content-Range total; a truncated file cannot be detected',
      field: 'Content-Length',
      received: 'none',
      expected: 'the file size',
    });
    return;
  }
  if (info.container !== 'RIFF' || info.riffSize === undefined) return;
  const declared = info.riffSize + 8;
  const truncated = result.problems.some((problem) => problem.code === 'WAV_TRUNCATED');
  if (declared !== result.totalSize && !truncated) {
    result.warnings.push({
      code: 'URL_LENGTH_MISMATCH',
      message: `the server says the file is ${result.totalSize} bytes; its RIFF header declares ${declared}`,
      field: 'file size',
      received: `${result.totalSize} bytes`,
      expected: `${declared} bytes`,
    });
  }
}

function urlProblem(
  code: ErrorCode,
  field: string,
  received: string,
  expected: string,
): WavProblem {
  return {
    code,
    message: `${field} is ${received}; expected ${expected}`,
    field,
    received,
    expected,
  };
}

/** Aborts a body we will not read; undici reports that abort as an error, which is expected here. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describe(value: string): string {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]),
  );
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([key]) => !CREDENTIAL_HEADERS.has(key)),
  );
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      `checkUrl ${name}: expected a positive integer; received ${String(value)}`,
    );
  }
  return value;
}

function nonNegativeInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      `checkUrl ${name}: expected a non-negative integer; received ${String(value)}`,
    );
  }
  return value;
}

/** `user:pass@` of a URL as an Authorization header, or nothing. */
function basicAuthOf(url: URL): Record<string, string> {
  if (url.username === '' && url.password === '') return {};
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}
