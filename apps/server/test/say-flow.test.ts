// `say:` steps end to end in the server: prompts synthesised at start-up with the real espeak-ng,
// served as hashed Play URLs under /audio/say/, cached across starts; and the start-up errors
// that point at the `say:` in the flow file.
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSiphookError, type SiphookError } from '@siphook/schema';
import { findEspeakNg } from '@siphook/tts';
import { checkPlayable, inspectWavBytes } from '@siphook/wav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, describeServer, formatBanner } from '../src/index.js';
import { post } from './http-client.js';

const HAVE_ESPEAK = await findEspeakNg().then(
  () => true,
  () => false,
);
if (!HAVE_ESPEAK)
  console.warn(
    'espeak-ng is missing: the say: synthesis tests are skipped (Debian package espeak-ng)',
  );

const FLOW = [
  'routes:', // 1
  '  - actions:', // 2
  '      - say: "Grüße aus Köln."', // 3
  '      - gather:', // 4
  '          say: { text: "Press 1.", voice: en }', // 5
  '          branches:', // 6
  '            "1":', // 7
  '              - say: "Grüße aus Köln."', // 8
  '              - hangup', // 9
].join('\n');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'siphook-say-flow-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function flowFile(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

async function startError(config: Parameters<typeof createServer>[0]): Promise<SiphookError> {
  try {
    const server = await createServer({ port: 0, signature: false, logLevel: 'silent', ...config });
    await server.close();
  } catch (error) {
    if (isSiphookError(error)) return error;
    throw error;
  }
  throw new Error('expected the server to refuse to start');
}

const playUrls = (xml: string) =>
  [...xml.matchAll(/<Url>([^<]+)<\/Url>/g)].map((match) => match[1]!);

describe('say: start-up errors', () => {
  it('a missing engine is a start-up error at file:line:col of the first say:, naming how to install it', async () => {
    const file = await flowFile('missing.yaml', FLOW);
    const error = await startError({
      flow: file,
      cwd: dir,
      tts: { engine: { name: 'espeak-ng', path: path.join(dir, 'no-espeak-ng') } },
    });
    expect(error.code).toBe('TTS_ENGINE_NOT_FOUND');
    expect(error.message).toMatch(
      /^missing\.yaml:3:14: routes\[0\]\.actions\[0\]\.say: espeak-ng: .*apt-get install espeak-ng/,
    );
    expect(error.details).toMatchObject({ line: 3, column: 14, where: 'routes[0].actions[0].say' });
  });

  it('an engine that fails is a start-up error at its say:, and nothing is cached', async () => {
    const file = await flowFile('failing.yaml', FLOW);
    const cacheDir = path.join(dir, 'failing-cache');
    const error = await startError({
      flow: file,
      cwd: dir,
      tts: { engine: { name: 'command', command: 'sh -c "echo no model >&2; exit 3"' }, cacheDir },
    });
    expect(error.code).toBe('TTS_ENGINE_FAILED');
    expect(error.message).toMatch(
      /^failing\.yaml:\d+:\d+: routes\[0\]\..*exited with code 3: no model$/,
    );
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('a bad tts setting is a config error', async () => {
    const error = await startError({
      flow: await flowFile('cfg.yaml', FLOW),
      tts: { timeoutMs: -1 },
    });
    expect(error.code).toBe('OPTIONS_INVALID');
    expect(error.message).toContain('tts.timeoutMs');
  });
});

describe.skipIf(!HAVE_ESPEAK)('say: with espeak-ng', () => {
  it('synthesises each text once at start-up and serves it as a hashed, playable Play URL', async () => {
    const file = await flowFile('menu.yaml', FLOW);
    const cacheDir = path.join(dir, 'cache');
    const server = await createServer({
      port: 0,
      signature: false,
      logLevel: 'silent',
      flow: file,
      tts: { cacheDir },
    });
    let urls: string[];
    try {
      expect(formatBanner(describeServer(server), { publicUrlGiven: false })).toContain(
        `Prompts: ${server.url}/audio/ (0 files; 3 say: steps under say/)`,
      );
      const answer = await post(
        server.url,
        'event=newCall&direction=in&from=492111234567&to=4915791234567&callId=say1',
      );
      expect(answer.status).toBe(200);
      urls = playUrls(answer.body);
      expect(urls).toHaveLength(2); // the say before the gather, and the gather's say
      for (const url of urls) {
        expect(url).toMatch(
          /^http:\/\/127\.0\.0\.1:\d+\/audio\/say\/[0-9a-f]{32}\.[0-9a-f]{8}\.wav$/,
        );
        const audio = await fetch(url);
        expect(audio.status).toBe(200);
        expect(audio.headers.get('content-type')).toBe('audio/wav');
        const bytes = new Uint8Array(await audio.arrayBuffer());
        expect(checkPlayable(inspectWavBytes(bytes)).ok).toBe(true);
      }
      // The same text in branch "1" is the same prompt.
      const branch = await post(
        `${server.url}/dtmf`,
        'event=dtmf&direction=in&from=492111234567&to=4915791234567&callId=say1&dtmf=1',
      );
      expect(playUrls(branch.body)).toEqual([urls[0]]);
    } finally {
      await server.close();
    }
    const files = (await readdir(cacheDir)).sort();
    expect(files).toHaveLength(2);
    const before = await Promise.all(files.map((name) => stat(path.join(cacheDir, name))));

    // A second start finds both prompts: nothing is written, and the URLs are the same.
    const again = await createServer({
      port: 0,
      signature: false,
      logLevel: 'silent',
      flow: file,
      tts: { cacheDir },
    });
    try {
      const answer = await post(
        again.url,
        'event=newCall&direction=in&from=492111234567&to=4915791234567&callId=say2',
      );
      expect(playUrls(answer.body).map((url) => new URL(url).pathname)).toEqual(
        urls.map((url) => new URL(url).pathname),
      );
    } finally {
      await again.close();
    }
    const after = await Promise.all(files.map((name) => stat(path.join(cacheDir, name))));
    expect(after.map((entry) => entry.mtimeMs)).toEqual(before.map((entry) => entry.mtimeMs));
  });

  it('an unknown voice is a start-up error at its say:, listing the voices', async () => {
    const file = await flowFile(
      'voice.yaml',
      'routes:\n  - actions:\n      - say: { text: Hallo, voice: xx-nope }\n',
    );
    const error = await startError({
      flow: file,
      cwd: dir,
      tts: { cacheDir: path.join(dir, 'v') },
    });
    expect(error.code).toBe('TTS_VOICE_UNKNOWN');
    expect(error.message).toMatch(
      /^voice\.yaml:3:14: routes\[0\]\.actions\[0\]\.say: voice: espeak-ng has no voice "xx-nope"; expected one of .*\bde\b/,
    );
  });
});
