import { SiphookError } from '@siphook/schema/errors';

/** Where prompts go: a bucket, and a key prefix inside it (no slashes at either end). */
export interface S3Destination {
  bucket: string;
  /** `''` for the bucket's root. */
  prefix: string;
}

const EXPECTED =
  's3://bucket/prefix (a bucket name of 3 to 63 lower-case letters, digits, dots or hyphens)';
/** S3's bucket naming rule (general purpose buckets). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reads `s3://bucket/prefix` at the edge.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` naming what is wrong.
 * @example parseS3Destination('s3://acme-prompts/hotline/') // { bucket: 'acme-prompts', prefix: 'hotline' }
 */
export function parseS3Destination(text: string): S3Destination {
  const invalid = (problem: string) => {
    const received = text.length > 80 ? `${text.slice(0, 79)}…` : text;
    return new SiphookError(
      'OPTIONS_INVALID',
      `destination: ${problem}; expected ${EXPECTED}; received ${JSON.stringify(received)}`,
      { field: 'destination', expected: EXPECTED, received },
    );
  };
  const match = /^s3:\/\/([^/?#]*)(\/[^?#]*)?$/.exec(text);
  if (match === null) throw invalid('not an s3:// URL');
  const bucket = match[1] ?? '';
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..'))
    throw invalid(`bucket ${JSON.stringify(bucket)} is not a valid bucket name`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (
    prefix !== '' &&
    prefix.split('/').some((part) => part === '' || part === '.' || part === '..')
  )
    throw invalid('the prefix has an empty, "." or ".." segment');
  return { bucket, prefix };
}
