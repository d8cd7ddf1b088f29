import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** Options of {@link startS3Server}. */
export interface S3ServerOptions {
  /** The bucket created at start. */
  bucket: string;
  /** Object keys whose PUT is answered `500 InternalError`, to test upload failures. */
  failPut?: (key: string) => boolean;
}

/** One request the server received: method and object key (path after the bucket). */
export interface S3Request {
  method: string;
  key: string;
}

/** A running S3-compatible server (s3rver) on 127.0.0.1. */
export interface S3ServerHandle {
  /** `http://127.0.0.1:<port>`: the endpoint; objects are at `<url>/<bucket>/<key>`. */
  readonly url: string;
  /** Every object request so far (bucket-level requests are left out). */
  readonly requests: readonly S3Request[];
  /** Credentials the server checks signatures against (s3rver's fixed pair). */
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

const FAILED_PUT = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>`;

/**
 * Starts s3rver (a local S3-compatible server from the npm registry) on 127.0.0.1 port 0 with
 * one bucket in a temporary folder. It checks request signatures against S3RVER/S3RVER and
 * serves objects to anonymous GETs, like a public bucket.
 */
export async function startS3Server(options: S3ServerOptions): Promise<S3ServerHandle> {
  const directory = await mkdtemp(join(tmpdir(), 'siphook-s3-'));
  const s3rver = new S3rver({
    silent: true,
    directory,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const requests: S3Request[] = [];
  const prefix = `/${options.bucket}/`;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path.startsWith(prefix)) {
      const key = decodeURIComponent(path.slice(prefix.length));
      requests.push({ method: request.method ?? '', key });
      if (request.method === 'PUT' && options.failPut?.(key) === true) {
        request.resume();
        request.on('end', () =>
          response.writeHead(500, { 'content-type': 'application/xml' }).end(FAILED_PUT),
        );
        return;
      }
    }
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await rm(directory, { recursive: true, force: true });
    },
  };
}
