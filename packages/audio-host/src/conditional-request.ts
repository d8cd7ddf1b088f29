/**
 * True when `If-None-Match` lists `etag` (weak comparison, as RFC 9110 §13.1.2 asks for GET/HEAD)
 * or is `*`.
 */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const header = ifNoneMatch.trim();
  if (header === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const candidate of header.split(',')) {
    const trimmed = candidate.trim();
    const tag = trimmed.startsWith('W/') ? trimmed.slice(2) : trimmed;
    if (tag === opaque) return true;
  }
  return false;
}

/**
 * Decides whether a GET or HEAD can be answered with 304 Not Modified. `If-None-Match` wins over
 * `If-Modified-Since` when both are present (RFC 9110 §13.2.2); an unparsable date is ignored.
 *
 * @param lastModifiedMs the resource time, already rounded down to whole seconds
 */
export function isNotModified(
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  etag: string,
  lastModifiedMs: number,
): boolean {
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && lastModifiedMs <= since;
}

/**
 * Decides whether a `Range` may be honoured under `If-Range` (RFC 9110 §13.1.5): the validator must
 * be the current strong ETag or exactly the current Last-Modified date; otherwise the whole
 * resource is sent.
 */
export function ifRangeAllows(
  ifRange: string | undefined,
  etag: string,
  lastModified: string,
): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  return value === lastModified;
}

/**
 * Decides whether a request's preconditions fail, which is 412 (RFC 9110 §13.2.2, as nginx does):
 * `If-Match` fails unless it is `*` or lists the current ETag by strong comparison (a weak tag
 * never matches); without `If-Match`, `If-Unmodified-Since` fails when the resource changed after
 * that date. An unparsable date is ignored.
 *
 * @param lastModifiedMs the resource time, already rounded down to whole seconds
 */
export function preconditionFails(
  ifMatch: string | undefined,
  ifUnmodifiedSince: string | undefined,
  etag: string,
  lastModifiedMs: number,
): boolean {
  if (ifMatch !== undefined) {
    const header = ifMatch.trim();
    if (header === '*') return false;
    for (const candidate of header.split(',')) if (candidate.trim() === etag) return false;
    return true;
  }
  if (ifUnmodifiedSince === undefined) return false;
  const since = Date.parse(ifUnmodifiedSince);
  return !Number.isNaN(since) && lastModifiedMs > since;
}
