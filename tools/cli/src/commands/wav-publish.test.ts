import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSiphookError } from '@siphook/schema/errors';
import { type S3ServerHandle, startS3Server } from '@siphook/test-services';
import { checkPlayable, inspectWavBytes } from '@siphook/wav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pcmWav, run, sine } from '../../test/cli-harness.js';
import { loadOptionalPackage } from '../load-optional-package.js';

const BUCKET = 'cli-prompts';
let dir: string;
let s3: S3ServerHandle;
const path = (...names: string[]) => join(dir, ...names);
const saved = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-cli-publish-'));
  await mkdir(path('prompts', 'menu'), { recursive: true });
  // One file already a Play WAV, one that needs converting (44.1 kHz stereo).
  await writeFile(
    path('prompts', 'welcome.wav'),
    pcmWav({ frames: 4000, sample: sine(440, 8000) }),
  );
  await writeFile(
    path('prompts', 'menu', 'options.wav'),
    pcmWav({ rate: 44100, channels: 2, frames: 22050, sample: sine(660, 44100) }),
  );
  s3 = await startS3Server({ bucket: BUCKET, failPut: (key) => key.startsWith('failing/') });
  process.env['AWS_ACCESS_KEY_ID'] = s3.credentials.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = s3.credentials.secretAccessKey;
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  process.env['AWS_CONFIG_FILE'] = path('no-config');
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = path('no-credentials');
  delete process.env['AWS_PROFILE'];
});
afterAll(async () => {
  process.env = saved;
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

/** `siphook wav publish <prompts> s3://<bucket>/<prefix> --endpoint <s3rver> --manifest <file>`. */
const publishTo = (prefix: string, manifestFile: string) =>
  run([
    'wav',
    'publish',
    path('prompts'),
    `s3://${BUCKET}/${prefix}`,
    '--endpoint',
    s3.url,
    '--manifest',
    manifestFile,
  ]);

describe('siphook wav publish', () => {
  it('converts, uploads, checks and writes the manifest; a second run uploads nothing', async () => {
    const manifestFile = path('prompts.json');
    const first = await publishTo('hotline', manifestFile);
    expect(first.stderr).toMatch(/welcome\.wav → .*\(uploaded\)\n/);
    expect(first.code).toBe(0);
    const manifest = JSON.parse(first.stdout) as Record<string, string>;
    expect(Object.keys(manifest)).toEqual(['menu/options.wav', 'welcome.wav']);
    expect(manifest['menu/options.wav']).toMatch(
      new RegExp(`^${s3.url}/${BUCKET}/hotline/menu/options\\.[0-9a-f]{16}\\.wav$`),
    );
    expect(JSON.parse(await readFile(manifestFile, 'utf8'))).toEqual(manifest);
    // What was uploaded is the converted Play file.
    const served = Buffer.from(await (await fetch(manifest['menu/options.wav']!)).arrayBuffer());
    expect(checkPlayable(inspectWavBytes(served)).ok).toBe(true);

    const puts = s3.requests.filter((request) => request.method === 'PUT').length;
    const again = await publishTo('hotline', manifestFile);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('(unchanged)');
    expect(again.stderr).not.toContain('(uploaded)');
    expect(s3.requests.filter((request) => request.method === 'PUT').length).toBe(puts);
    expect(JSON.parse(again.stdout)).toEqual(manifest);
  });

  it('exits 1 naming the key when an upload fails, and keeps that prompt in the manifest', async () => {
    const manifestFile = path('failing.json');
    const old = {
      'menu/options.wav': 'https://cdn.example.com/old/options.wav',
      'welcome.wav': 'https://cdn.example.com/old/welcome.wav',
    };
    await writeFile(manifestFile, JSON.stringify(old));
    const result = await publishTo('failing', manifestFile);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`upload to s3://${BUCKET}/failing/welcome\\.[0-9a-f]{16}\\.wav failed`),
    );
    expect(JSON.parse(await readFile(manifestFile, 'utf8'))).toEqual(old);
  });

  it('stops before converting anything at a bad destination (exit 2) or manifest (exit 1)', async () => {
    const bad = await run(['wav', 'publish', path('prompts'), 'https://bucket/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('destination: not an s3:// URL');
    await writeFile(path('broken.json'), '["not", "a", "manifest"]');
    const broken = await run([
      'wav',
      'publish',
      path('prompts'),
      `s3://${BUCKET}/x`,
      '--manifest',
      path('broken.json'),
    ]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(
      `prompt manifest ${path('broken.json')}: expected a JSON object of prompt names to http(s) URLs`,
    );
  });
});

describe('loadOptionalPackage', () => {
  it('names the package and the install line when it is not installed', async () => {
    const name = '@siphook/not-installed-anywhere';
    const error = await loadOptionalPackage(name, 'siphook test', () => import(name)).catch(
      (caught: unknown) => caught,
    );
    expect(isSiphookError(error, 'PACKAGE_MISSING')).toBe(true);
    expect((error as Error).message).toBe(
      `siphook test needs ${name}, which is not installed; install it beside siphook: npm install ${name}`,
    );
  });
});
