import { readFile } from 'node:fs/promises';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { isHttpUrl } from '@siphook/schema';
import { type ErrorCode, isSiphookError, SiphookError } from '@siphook/schema/errors';
import { checkPlayable, checkUrl, inspectWavBytes, type WavProblem } from '@siphook/wav';
import { parseS3Destination, type S3Destination } from './parse-s3-destination.js';
import { keyPath, promptKey } from './prompt-key.js';

/** One Play file to publish, and the name a flow plays it by (`welcome.wav`, `menu/intro.wav`). */
export interface PromptFile {
  name: string;
  file: string;
}

/** A prompt name → its public URL: what a flow's `prompts:` can point to. */
export type PromptManifest = Record<string, string>;

/** Options of {@link publishPrompts}. */
export interface PublishPromptsOptions {
  /** `s3://bucket/prefix`. */
  destination: string;
  /** An S3-compatible endpoint (MinIO, R2, Ceph…); objects are then addressed path-style. Default: AWS S3. */
  endpoint?: string;
  /**
   * Where the objects are publicly reachable (a CDN, or the bucket's website): each URL is
   * `<publicUrl>/<key>`. Default: the object's own S3 URL.
   */
  publicUrl?: string;
  /** The region; default from the AWS chain (`AWS_REGION`, `~/.aws/config`), else `us-east-1`. */
  region?: string;
  /** The manifest published before: kept for prompts that fail this time. */
  previous?: Readonly<PromptManifest>;
  /** Prompts handled at once. Default 4. */
  concurrency?: number;
  /** Time allowed for checking one public URL, in ms. Default 5000. */
  checkTimeoutMs?: number;
  /** Called as each prompt is done (for progress). */
  onPrompt?: (outcome: PublishedPrompt) => void;
  signal?: AbortSignal;
}

/** What happened to one prompt. */
export interface PublishedPrompt {
  name: string;
  file: string;
  /** Its object key: `<prefix>/<name without .wav>.<content hash>.wav`. */
  key?: string;
  /** Its public URL. */
  url?: string;
  /** False when the object was there already (same content, same key). */
  uploaded: boolean;
  /** True when the prompt is in the bucket and its public URL serves a playable WAV. */
  ok: boolean;
  error?: { code: ErrorCode; message: string; problems?: WavProblem[] };
}

/** The result of {@link publishPrompts}. */
export interface PublishResult {
  /** The previous manifest with every published prompt's URL put in (sorted by name). */
  manifest: PromptManifest;
  prompts: PublishedPrompt[];
}

const CONTENT_TYPE = 'audio/wav';
/** The key changes with the content, so a URL's bytes never change: cache them for a year. */
const CACHE_CONTROL = 'public, max-age=31536000, immutable';
const DEFAULT_REGION = 'us-east-1';

/** A base URL keys are appended to: an http(s) URL (the one rule in @siphook/schema), no query. */
function checkHttpUrl(value: string, field: string): string {
  if (!isHttpUrl(value, { query: false })) {
    const received = value.length > 80 ? `${value.slice(0, 79)}…` : value;
    throw new SiphookError(
      'OPTIONS_INVALID',
      `${field}: expected an absolute http(s) URL without query; received ${JSON.stringify(received)}`,
      { field, expected: 'an absolute http(s) URL', received },
    );
  }
  return value.replace(/\/+$/, '');
}

/** The SDK's error as one line: its name (an S3 error code) and message, never credentials. */
function describeS3Error(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const text = `${error.name}${status === undefined ? '' : ` (HTTP ${status})`}: ${error.message}`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** A client with a region: the one given, the AWS chain's, or us-east-1 beside an endpoint. */
async function createClient(
  options: PublishPromptsOptions,
): Promise<{ client: S3Client; region: string }> {
  const config = {
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, forcePathStyle: true }),
    // Checksums only where S3 requires them: S3-compatible stores differ in the newer ones.
    requestChecksumCalculation: 'WHEN_REQUIRED' as const,
    responseChecksumValidation: 'WHEN_REQUIRED' as const,
  };
  if (options.region !== undefined) {
    return { client: new S3Client({ ...config, region: options.region }), region: options.region };
  }
  const client = new S3Client(config);
  try {
    return { client, region: await client.config.region() };
  } catch {
    client.destroy();
    return { client: new S3Client({ ...config, region: DEFAULT_REGION }), region: DEFAULT_REGION };
  }
}

/**
 * Publishes Play WAVs to S3 or an S3-compatible store: each file is checked (it must already be a
 * Play file: convert first), stored under a content-hashed key with `Content-Type: audio/wav` and
 * `Cache-Control: public, max-age=31536000, immutable` unless that key exists already, and its
 * public URL is checked with `checkUrl`. Credentials come from the standard AWS chain (environment,
 * `~/.aws`, SSO, container and instance roles) and are never printed. A prompt that fails keeps its
 * previous manifest entry; the others go on.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for a bad destination, endpoint or public URL;
 *   `PUBLISH_CREDENTIALS` when the AWS chain has no credentials. Per-prompt failures are reported
 *   in `prompts` (`PUBLISH_UPLOAD_FAILED` naming the key, `PUBLISH_CHECK_FAILED`, WAV_* codes).
 * @example
 * const { manifest } = await publishPrompts([{ name: 'welcome.wav', file: 'out/welcome.wav' }], {
 *   destination: 's3://acme-prompts/hotline', publicUrl: 'https://cdn.example.com',
 * });
 * manifest['welcome.wav'] // 'https://cdn.example.com/hotline/welcome.3f2a9c1d0b4e5f67.wav'
 */
export async function publishPrompts(
  prompts: readonly PromptFile[],
  options: PublishPromptsOptions,
): Promise<PublishResult> {
  const destination = parseS3Destination(options.destination);
  const endpoint =
    options.endpoint === undefined ? undefined : checkHttpUrl(options.endpoint, 'endpoint');
  const publicUrl =
    options.publicUrl === undefined ? undefined : checkHttpUrl(options.publicUrl, 'publicUrl');
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const { client, region } = await createClient({ ...options, endpoint });
  try {
    try {
      await client.config.credentials();
    } catch (error) {
      throw new SiphookError(
        'PUBLISH_CREDENTIALS',
        `no credentials for object storage: the AWS chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, SSO, container or instance roles) found none: ${(error as Error).name}`,
      );
    }
    const base =
      publicUrl ??
      (endpoint === undefined
        ? `https://${destination.bucket}.s3.${region}.amazonaws.com`
        : `${endpoint}/${encodeURIComponent(destination.bucket)}`);
    const outcomes: PublishedPrompt[] = new Array(prompts.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, prompts.length) }, async () => {
        while (next < prompts.length) {
          const index = next++;
          const outcome = await publishOne(prompts[index]!, client, destination, base, options);
          outcomes[index] = outcome;
          options.onPrompt?.(outcome);
        }
      }),
    );
    const manifest: PromptManifest = { ...options.previous };
    for (const outcome of outcomes) if (outcome.ok) manifest[outcome.name] = outcome.url!;
    const sorted = Object.fromEntries(
      Object.entries(manifest).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    return { manifest: sorted, prompts: outcomes };
  } finally {
    client.destroy();
  }
}

async function publishOne(
  prompt: PromptFile,
  client: S3Client,
  destination: S3Destination,
  base: string,
  options: PublishPromptsOptions,
): Promise<PublishedPrompt> {
  const outcome: PublishedPrompt = {
    name: prompt.name,
    file: prompt.file,
    uploaded: false,
    ok: false,
  };
  const fail = (code: ErrorCode, message: string, problems?: WavProblem[]) => {
    outcome.error = problems === undefined ? { code, message } : { code, message, problems };
    return outcome;
  };
  let bytes: Buffer;
  try {
    bytes = await readFile(prompt.file);
  } catch (error) {
    return fail('WAV_READ_FAILED', `cannot read ${prompt.file}: ${(error as Error).message}`);
  }
  const playable = checkPlayable(inspectWavBytes(bytes));
  if (!playable.ok)
    return fail(
      playable.problems[0]!.code as ErrorCode,
      `${prompt.name} is not a Play file: ${playable.problems.map((problem) => problem.message).join('; ')}`,
      playable.problems,
    );
  const key = promptKey(destination.prefix, prompt.name, bytes);
  const url = `${base}/${keyPath(key)}`;
  outcome.key = key;
  outcome.url = url;
  const where = `s3://${destination.bucket}/${key}`;
  const signal = options.signal;
  const abortSignal = signal === undefined ? {} : { abortSignal: signal };
  try {
    const present = await client
      .send(new HeadObjectCommand({ Bucket: destination.bucket, Key: key }), abortSignal)
      .then(
        (head) => head.ContentLength === bytes.length,
        // Not found, or not allowed to look (403 without s3:ListBucket): upload it.
        () => false,
      );
    if (!present) {
      await client.send(
        new PutObjectCommand({
          Bucket: destination.bucket,
          Key: key,
          Body: bytes,
          ContentType: CONTENT_TYPE,
          CacheControl: CACHE_CONTROL,
          ContentLength: bytes.length,
        }),
        abortSignal,
      );
      outcome.uploaded = true;
    }
  } catch (error) {
    if (isSiphookError(error)) throw error;
    return fail(
      'PUBLISH_UPLOAD_FAILED',
      `${prompt.name}: upload to ${where} failed: ${describeS3Error(error)}`,
    );
  }
  const checked = await checkUrl(url, { timeoutMs: options.checkTimeoutMs ?? 5000 });
  if (!checked.ok)
    return fail(
      'PUBLISH_CHECK_FAILED',
      `${prompt.name}: ${url} does not serve a playable WAV: ${checked.problems.map((problem) => problem.message).join('; ')}`,
      checked.problems,
    );
  outcome.ok = true;
  return outcome;
}
