/**
 * The optional `espeak-ng-emscripten` engine: espeak-ng compiled to WebAssembly, from the npm
 * package `@echogarden/espeak-ng-emscripten`. That package is GPL-3.0, so siphook (MIT) never
 * depends on it: the engine loads it only when the user has installed it. It needs no system
 * program. Synthesis runs in a worker thread, which a time limit can stop.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { SiphookError } from '@siphook/schema/errors';
import { CANONICAL_HEADER_BYTES, encodePcmHeader } from '@siphook/wav';
import { escapeXml } from '@siphook/xml';
import type { EmscriptenReply, EmscriptenRequest } from './espeak-emscripten-worker.js';
import { unknownVoice } from './espeak-ng-engine.js';
import { abortedError } from './run-engine-process.js';
import type { TtsEngine } from './tts-engine.js';

const PACKAGE = '@echogarden/espeak-ng-emscripten';
const NAME = 'espeak-ng-emscripten';

/** The installed package's version, or undefined when it is not installed. */
async function installedVersion(): Promise<string | undefined> {
  try {
    const file = createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`);
    const { version } = JSON.parse(await readFile(file, 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return undefined;
  }
}

/** A WAV file of mono 16-bit samples at the engine's rate (22050 Hz), for the converter to read. */
function speechWav(samples: Int16Array, sampleRate: number): Uint8Array {
  const data = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const file = new Uint8Array(CANONICAL_HEADER_BYTES + data.length);
  file.set(encodePcmHeader(data.length, { channels: 1, sampleRate, bitsPerSample: 16 }));
  file.set(data, CANONICAL_HEADER_BYTES);
  return file;
}

/**
 * The WebAssembly espeak-ng engine, when its package is installed.
 *
 * @throws {SiphookError} `TTS_ENGINE_NOT_FOUND` when `@echogarden/espeak-ng-emscripten` is not
 *   installed (the message says how, and why siphook does not install it).
 */
export async function createEspeakEmscriptenEngine(): Promise<TtsEngine> {
  const version = await installedVersion();
  if (version === undefined) {
    throw new SiphookError(
      'TTS_ENGINE_NOT_FOUND',
      `${NAME}: the npm package ${PACKAGE} is not installed; siphook does not install it because it is GPL-3.0 (siphook is MIT): install it yourself with \`npm install ${PACKAGE}\`, or use the espeak-ng engine (\`apt-get install espeak-ng\`)`,
      { engine: NAME, package: PACKAGE },
    );
  }
  let worker: Worker | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let cachedVoices: string[] | undefined;
  const stopWorker = async () => {
    const running = worker;
    worker = undefined;
    await running?.terminate();
  };
  /** Sends one request; the worker is started on first use and again after a time-out. */
  const ask = (request: EmscriptenRequest, timeoutMs: number, signal?: AbortSignal) => {
    const run = queue.then(
      () =>
        new Promise<EmscriptenReply>((resolve, reject) => {
          if (signal?.aborted) {
            reject(abortedError(NAME));
            return;
          }
          worker ??= new Worker(new URL('./espeak-emscripten-worker.js', import.meta.url));
          const current = worker;
          current.ref();
          const finish = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            current.off('message', onMessage);
            current.off('error', onError);
            current.unref(); // an idle worker must not keep the process alive
          };
          const fail = (error: SiphookError) => {
            finish();
            void stopWorker();
            reject(error);
          };
          const onMessage = (reply: EmscriptenReply) => {
            finish();
            resolve(reply);
          };
          const onError = (error: Error) =>
            fail(
              new SiphookError('TTS_ENGINE_FAILED', `${NAME} failed: ${error.message}`, {
                engine: NAME,
              }),
            );
          const onAbort = () => fail(abortedError(NAME));
          const timer = setTimeout(
            () =>
              fail(
                new SiphookError(
                  'TTS_ENGINE_TIMEOUT',
                  `${NAME} did not finish within ${timeoutMs} ms and was stopped (timeoutMs)`,
                  { engine: NAME, timeoutMs },
                ),
              ),
            timeoutMs,
          );
          signal?.addEventListener('abort', onAbort, { once: true });
          current.on('message', onMessage);
          current.on('error', onError);
          current.postMessage(request);
        }),
    );
    queue = run.catch(() => undefined);
    return run;
  };
  const engine: TtsEngine = {
    name: NAME,
    id: `${NAME}@${version}`,
    voices: async () => cachedVoices,
    async speak({ text, voice, output, timeoutMs, signal }) {
      // The package's synthesize reads SSML: the text is escaped so `<`, `&` are spoken as text.
      const reply = await ask({ ssml: escapeXml(text), voice }, timeoutMs, signal);
      if (reply.ok) {
        await writeFile(output, speechWav(reply.samples, reply.sampleRate));
        return;
      }
      if (reply.unknownVoice === true) {
        cachedVoices = reply.voices;
        throw await unknownVoice(engine, voice);
      }
      throw new SiphookError('TTS_ENGINE_FAILED', `${NAME} failed: ${reply.error}`, {
        engine: NAME,
      });
    },
    close: stopWorker,
  };
  return engine;
}
