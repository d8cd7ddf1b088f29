import { z } from 'zod';

// Refused in every http(s) URL here: whitespace, controls, and what no XML 1.0 document can carry
// (U+FFFE, U+FFFF, lone surrogates), since such URLs end up in a <Response> or a log line. The
// lookaround for lone surrogates runs only when there is a surrogate at all (it is the slow part).
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f\ufffe\uffff]/;
const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// A host must follow the slashes: WHATWG would read `http:///x` as host `x`, a receiver may not.
const HTTP_PREFIX = /^https?:\/\/[^/\\]/i;

/** Where callers of {@link isHttpUrl} really differ. */
export interface HttpUrlOptions {
  /**
   * `false` refuses a query string or fragment (also an empty `?` or `#`): a base URL that paths
   * are appended to, such as a server's `publicUrl`. Default `true`.
   */
  query?: boolean;
}

/**
 * The http(s) URL rule of siphook: true for an absolute `http:` or `https:` URL with a host
 * (`user:pass@` allowed), without whitespace, control characters or characters XML 1.0 cannot
 * carry. Every package checks URLs with this predicate or {@link HttpUrlSchema}.
 *
 * @example
 * isHttpUrl('https://user:pw@example.com/dtmf?a=1') // true
 * isHttpUrl('https://example.com/?a=1', { query: false }) // false
 */
export function isHttpUrl(value: unknown, options: HttpUrlOptions = {}): boolean {
  if (
    typeof value !== 'string' ||
    !HTTP_PREFIX.test(value) ||
    SPACE_OR_CONTROL.test(value) ||
    (SURROGATE.test(value) && LONE_SURROGATE.test(value))
  ) {
    return false;
  }
  if (options.query === false && (value.includes('?') || value.includes('#'))) return false;
  // http and https are special schemes: the WHATWG parser fails on an empty host, so a URL that
  // parses has one. canParse decides that without building a URL object (a third of the time).
  return URL.canParse(value);
}

/** What {@link HttpUrlSchema} expects, in words, for messages. */
export const HTTP_URL_EXPECTED = 'an absolute http(s) URL';

/** An absolute http or https URL, as callback and Play URLs must be ({@link isHttpUrl}). */
export const HttpUrlSchema = z
  .string({ error: HTTP_URL_EXPECTED })
  .refine((value) => isHttpUrl(value), { error: HTTP_URL_EXPECTED });
