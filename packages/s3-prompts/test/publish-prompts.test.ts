import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSiphookError } from '@siphook/schema/errors';
import { type S3ServerHandle, startS3Server } from '@siphook/test-services';
import { encodeCanonicalHeader } from '@siphook/wav';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PromptFile, publishPrompts } from '../src/index.js';

const BUCKET = 'prompts-test';

/** A Play WAV: a 44-byte header and `frames` samples of a tone at `hz`. */
function playWav(hz: number, frames = 4000): Buffer {
  const samples = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i++)
    samples.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000)), i * 2);
  return Buffer.concat([encodeCanonicalHeader(samples.length), samples]);
}

let dir: string;
let s3: S3ServerHandle;
const saved = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-publish-'));
  s3 = await startS3Server({ bucket: BUCKET, failPut: (key) => key.includes('fails-upload') });
  // The standard AWS chain reads these first; nothing here may reach an instance metadata address.
  process.env['AWS_ACCESS_KEY_ID'] = s3.credentials.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = s3.credentials.secretAccessKey;
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  process.env['AWS_CONFIG_FILE'] = join(dir, 'no-config');
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = join(dir, 'no-credentials');
  delete process.env['AWS_PROFILE'];
  delete process.env['AWS_REGION'];
});
afterAll(async () => {
  process.env = saved;
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

async function prompt(name: string, bytes: Buffer): Promise<PromptFile> {
  const file = join(dir, name.replaceAll('/', '_'));
  await writeFile(file, bytes);
  return { name, file };
}

const puts = () => s3.requests.filter((request) => request.method === 'PUT');

describe('publishPrompts against a local S3-compatible server', () => {
  afterEach(() => {
    (s3.requests as unknown[]).length = 0;
  });

  it('uploads under content-hashed keys with audio/wav, immutable caching, and checks each URL', async () => {
    const welcome = await prompt('welcome.wav', playWav(440));
    const menu = await prompt('menu/options.wav', playWav(660));
    const { manifest, prompts } = await publishPrompts([welcome, menu], {
      destination: `s3://${BUCKET}/hotline`,
      endpoint: s3.url,
    });
    expect(prompts.map((outcome) => [outcome.ok, outcome.uploaded])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(prompts[0]!.key).toMatch(/^hotline\/welcome\.[0-9a-f]{16}\.wav$/);
    expect(prompts[1]!.key).toMatch(/^hotline\/menu\/options\.[0-9a-f]{16}\.wav$/);
    expect(manifest).toEqual({
      'menu/options.wav': `${s3.url}/${BUCKET}/${prompts[1]!.key}`,
      'welcome.wav': `${s3.url}/${BUCKET}/${prompts[0]!.key}`,
    });
    // Each public URL was read back (checkUrl asks for the first 64 KiB).
    expect(s3.requests.filter((request) => request.method === 'GET')).toHaveLength(2);
    const served = await fetch(manifest['welcome.wav']!);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('audio/wav');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await served.arrayBuffer()).equals(playWav(440))).toBe(true);
  });

  it('uploads nothing again for unchanged prompts, and only the changed one otherwise', async () => {
    const first = [await prompt('a.wav', playWav(300)), await prompt('b.wav', playWav(350))];
    const before = await publishPrompts(first, {
      destination: `s3://${BUCKET}/again`,
      endpoint: s3.url,
    });
    expect(puts()).toHaveLength(2);
    (s3.requests as unknown[]).length = 0;

    const same = await publishPrompts(first, {
      destination: `s3://${BUCKET}/again`,
      endpoint: s3.url,
      previous: before.manifest,
    });
    expect(puts()).toEqual([]);
    expect(same.prompts.every((outcome) => outcome.ok && !outcome.uploaded)).toBe(true);
    expect(same.manifest).toEqual(before.manifest);

    const changed = [first[0]!, await prompt('b.wav', playWav(370))];
    const after = await publishPrompts(changed, {
      destination: `s3://${BUCKET}/again`,
      endpoint: s3.url,
      previous: before.manifest,
    });
    expect(puts().map((request) => request.key)).toEqual([after.prompts[1]!.key]);
    expect(after.manifest['a.wav']).toBe(before.manifest['a.wav']);
    expect(after.manifest['b.wav']).not.toBe(before.manifest['b.wav']);
  });

  it('keeps the previous manifest entry of a prompt whose upload fails, naming the key', async () => {
    const previous = { 'fails-upload.wav': 'https://cdn.example.com/old/fails-upload.wav' };
    const good = await prompt('good.wav', playWav(500));
    const bad = await prompt('fails-upload.wav', playWav(510));
    const { manifest, prompts } = await publishPrompts([good, bad], {
      destination: `s3://${BUCKET}/failing`,
      endpoint: s3.url,
      previous,
    });
    expect(prompts[0]!.ok).toBe(true);
    const failed = prompts[1]!;
    expect(failed.ok).toBe(false);
    expect(failed.error?.code).toBe('PUBLISH_UPLOAD_FAILED');
    expect(failed.error?.message).toContain(`s3://${BUCKET}/${failed.key}`);
    expect(failed.error?.message).toContain('InternalError');
    expect(manifest['fails-upload.wav']).toBe(previous['fails-upload.wav']);
    expect(manifest['good.wav']).toBe(prompts[0]!.url);
  });

  it('refuses a file that is not a Play WAV without uploading it', async () => {
    const header = Buffer.from(encodeCanonicalHeader(800));
    header.writeUInt32LE(44100, 24); // sample rate
    const wrong = await prompt('wrong-rate.wav', Buffer.concat([header, Buffer.alloc(800)]));
    const { prompts, manifest } = await publishPrompts([wrong], {
      destination: `s3://${BUCKET}/wrong`,
      endpoint: s3.url,
    });
    expect(prompts[0]!.ok).toBe(false);
    expect(prompts[0]!.error?.code).toBe('WAV_SAMPLE_RATE');
    expect(puts()).toEqual([]);
    expect(manifest).toEqual({});
  });

  it('reports a public URL that does not serve the prompt, and keeps the previous entry', async () => {
    const notFound = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => notFound.listen(0, '127.0.0.1', resolve));
    const cdn = `http://127.0.0.1:${(notFound.address() as AddressInfo).port}`;
    try {
      const { prompts, manifest } = await publishPrompts([await prompt('cdn.wav', playWav(200))], {
        destination: `s3://${BUCKET}/cdn`,
        endpoint: s3.url,
        publicUrl: `${cdn}/`,
        previous: { 'cdn.wav': 'https://cdn.example.com/cdn.wav' },
      });
      expect(prompts[0]!.uploaded).toBe(true);
      expect(prompts[0]!.url).toBe(`${cdn}/${prompts[0]!.key}`);
      expect(prompts[0]!.error?.code).toBe('PUBLISH_CHECK_FAILED');
      expect(prompts[0]!.error?.problems?.[0]?.code).toBe('URL_STATUS');
      expect(manifest).toEqual({ 'cdn.wav': 'https://cdn.example.com/cdn.wav' });
    } finally {
      notFound.close();
    }
  });

  it('never prints the secret, also when the server refuses the credentials', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAUNKNOWN';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'not-the-right-secret-4f9a';
    try {
      const { prompts } = await publishPrompts([await prompt('signed.wav', playWav(250))], {
        destination: `s3://${BUCKET}/signed`,
        endpoint: s3.url,
      });
      expect(prompts[0]!.error?.code).toBe('PUBLISH_UPLOAD_FAILED');
      expect(prompts[0]!.error?.message).toContain('InvalidAccessKeyId');
      expect(JSON.stringify(prompts)).not.toContain('not-the-right-secret-4f9a');
    } finally {
      process.env['AWS_ACCESS_KEY_ID'] = s3.credentials.accessKeyId;
      process.env['AWS_SECRET_ACCESS_KEY'] = s3.credentials.secretAccessKey;
    }
  });

  it('fails with PUBLISH_CREDENTIALS when the AWS chain has none', async () => {
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    try {
      const error = await publishPrompts([await prompt('x.wav', playWav(100))], {
        destination: `s3://${BUCKET}/x`,
        endpoint: s3.url,
      }).catch((caught: unknown) => caught);
      expect(isSiphookError(error, 'PUBLISH_CREDENTIALS')).toBe(true);
      expect(puts()).toEqual([]);
    } finally {
      process.env['AWS_ACCESS_KEY_ID'] = s3.credentials.accessKeyId;
      process.env['AWS_SECRET_ACCESS_KEY'] = s3.credentials.secretAccessKey;
    }
  });

  it('refuses a bad destination, endpoint or public URL with OPTIONS_INVALID', async () => {
    for (const options of [
      { destination: 'https://bucket/prefix' },
      { destination: 's3://UpperCase/prefix' },
      { destination: 's3://ok-bucket/a//b' },
      { destination: `s3://${BUCKET}/p`, endpoint: 'ftp://127.0.0.1' },
      { destination: `s3://${BUCKET}/p`, publicUrl: 'cdn.example.com' },
    ]) {
      const error = await publishPrompts([], options).catch((caught: unknown) => caught);
      expect(isSiphookError(error, 'OPTIONS_INVALID'), JSON.stringify(options)).toBe(true);
    }
  });
});
