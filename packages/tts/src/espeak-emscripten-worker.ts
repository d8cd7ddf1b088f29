/**
 * Worker thread of the `espeak-ng-emscripten` engine: the WebAssembly build synthesises
 * synchronously, so it runs here, where a time limit can stop it (the thread is terminated).
 * The package is the user's own install (GPL-3.0); siphook never depends on it.
 */
import { parentPort } from 'node:worker_threads';

/** What the worker is asked: SSML-escaped text and a voice. */
export interface EmscriptenRequest {
  ssml: string;
  voice: string;
}

/** What it answers: the samples, an unknown voice with the list, or an error. */
export type EmscriptenReply =
  | { ok: true; samples: Int16Array; sampleRate: number }
  | { ok: false; unknownVoice: true; voices: string[] }
  | { ok: false; unknownVoice?: false; error: string };

/** The part of the package's `eSpeakNGWorker` used here. */
interface EspeakInstance {
  set_voice(voice: string): number;
  synthesize(text: string, callback: (samples: Int16Array | undefined) => boolean): void;
  list_voices(): { identifier: string; languages: { name: string }[] }[];
  samplerate: number;
}

let instance: Promise<EspeakInstance> | undefined;

async function load(): Promise<EspeakInstance> {
  // A variable specifier: the package is optional and never a dependency.
  const specifier = '@echogarden/espeak-ng-emscripten';
  const module = (await import(specifier)) as {
    default: () => Promise<{ eSpeakNGWorker: new () => EspeakInstance }>;
  };
  const runtime = await module.default();
  return new runtime.eSpeakNGWorker();
}

function voicesOf(espeak: EspeakInstance): string[] {
  const names = new Set<string>();
  for (const voice of espeak.list_voices())
    for (const language of voice.languages) names.add(language.name);
  return [...names].sort();
}

function speak(espeak: EspeakInstance, request: EmscriptenRequest): EmscriptenReply {
  if (espeak.set_voice(request.voice) !== 0)
    return { ok: false, unknownVoice: true, voices: voicesOf(espeak) };
  const chunks: Int16Array[] = [];
  let length = 0;
  espeak.synthesize(request.ssml, (samples) => {
    if (samples !== undefined && samples.length > 0) {
      chunks.push(samples.slice());
      length += samples.length;
    }
    return false; // true would stop the synthesis
  });
  const samples = new Int16Array(length);
  let at = 0;
  for (const chunk of chunks) {
    samples.set(chunk, at);
    at += chunk.length;
  }
  return { ok: true, samples, sampleRate: espeak.samplerate };
}

parentPort?.on('message', (request: EmscriptenRequest) => {
  instance ??= load();
  instance.then(
    (espeak) => {
      let reply: EmscriptenReply;
      try {
        reply = speak(espeak, request);
      } catch (error) {
        reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      parentPort?.postMessage(reply, reply.ok ? [reply.samples.buffer as ArrayBuffer] : []);
    },
    (error: unknown) => {
      instance = undefined;
      parentPort?.postMessage({
        ok: false,
        error: `cannot load @echogarden/espeak-ng-emscripten: ${error instanceof Error ? error.message : String(error)}`,
      } satisfies EmscriptenReply);
    },
  );
});
