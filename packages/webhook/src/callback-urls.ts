import {
  type BasicAuthCredentials,
  describeReceived,
  isHttpUrl,
  SiphookError,
} from '@siphook/schema';

/** The callback URLs the handler puts into responses; all route back to the same handler. */
export interface CallbackUrls {
  answer: string;
  hangup: string;
  dtmf: string;
}

/** Where a push's callback URLs come from: fixed, from request headers, or nowhere (undefined). */
export type CallbackUrlsOf = (request: Request) => CallbackUrls | undefined;

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const CALLBACK_SUFFIX = /\/(?:answer|hangup|dtmf)\/?$/;
/** Derived bases kept at most; a client choosing Host headers cannot grow this without bound. */
const MAX_DERIVED_BASES = 64;

/**
 * Makes the callback URLs from a base: `<base>/answer`, `<base>/hangup`, `<base>/dtmf`. A query
 * string stays in place, and so do `user:pass@` credentials (sipgate.io sends them as Basic auth);
 * without any, the handler's own Basic-auth credentials are put in, or its callbacks would be
 * refused.
 */
export function createCallbackUrls(base: string, basicAuth?: BasicAuthCredentials): CallbackUrls {
  const url = new URL(base);
  if (basicAuth !== undefined && url.username === '' && url.password === '') {
    url.username = encodeURIComponent(basicAuth.username);
    url.password = encodeURIComponent(basicAuth.password);
  }
  const path = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  const withPath = (suffix: string): string => {
    url.pathname = path + suffix;
    return url.href;
  };
  return { answer: withPath('/answer'), hangup: withPath('/hangup'), dtmf: withPath('/dtmf') };
}

/**
 * Decides once where callback URLs come from: `publicUrl` (fixed), or with `trustHostHeader` the
 * request's `Host`, `X-Forwarded-Host`, `X-Forwarded-Proto` and path, or nowhere.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for a `publicUrl` that is no http(s) URL.
 */
export function createCallbackUrlsOf(options: {
  publicUrl?: string | undefined;
  trustHostHeader?: boolean | undefined;
  basicAuth?: BasicAuthCredentials | undefined;
}): { urlsOf: CallbackUrlsOf; fixed: CallbackUrls | undefined; derived: boolean } {
  if (options.publicUrl !== undefined) {
    if (!isHttpUrl(options.publicUrl)) {
      throw new SiphookError(
        'OPTIONS_INVALID',
        `publicUrl: expected an absolute http(s) URL such as "https://user:pass@example.com/sipgate"; received ${describeReceived(options.publicUrl)}`,
        { path: 'publicUrl' },
      );
    }
    const fixed = createCallbackUrls(options.publicUrl, options.basicAuth);
    return { urlsOf: () => fixed, fixed, derived: false };
  }
  if (options.trustHostHeader !== true) {
    return { urlsOf: () => undefined, fixed: undefined, derived: false };
  }
  const derived = new Map<string, CallbackUrls>();
  const urlsOf: CallbackUrlsOf = (request) => {
    const base = deriveBase(request);
    if (base === undefined) return undefined;
    let urls = derived.get(base);
    if (urls === undefined) {
      urls = createCallbackUrls(base, options.basicAuth);
      if (derived.size >= MAX_DERIVED_BASES) derived.clear();
      derived.set(base, urls);
    }
    return urls;
  };
  return { urlsOf, fixed: undefined, derived: true };
}

/** The callback base a request names for itself (Host, X-Forwarded-*); undefined if implausible. */
function deriveBase(request: Request): string | undefined {
  const url = new URL(request.url);
  const headers = request.headers;
  const host = firstEntry(headers.get('x-forwarded-host')) ?? headers.get('host') ?? url.host;
  const protocol = (
    firstEntry(headers.get('x-forwarded-proto')) ?? url.protocol.slice(0, -1)
  ).toLowerCase();
  if (!HOST.test(host) || (protocol !== 'http' && protocol !== 'https')) return undefined;
  const path = url.pathname.replace(CALLBACK_SUFFIX, '');
  return `${protocol}://${host}${path.startsWith('/') ? path : `/${path}`}`;
}

function firstEntry(header: string | null): string | undefined {
  if (header === null || header === '') return undefined;
  const comma = header.indexOf(',');
  return (comma === -1 ? header : header.slice(0, comma)).trim();
}
