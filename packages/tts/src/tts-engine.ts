/**
 * The one interface every speech engine implements, and how an engine is chosen by name:
 * `espeak-ng` (the system program), `command` (any program from a template) or
 * `espeak-ng-emscripten` (the optional npm package, loaded only when the user installed it).
 */
import { createIssue, SiphookError } from '@siphook/schema/errors';
import { z } from 'zod';

/** One request to an engine: speak `text` in `voice` into the file `output`. */
export interface SpeakRequest {
  text: string;
  voice: string;
  /** Where the engine writes its audio: a WAV, or anything ffmpeg decodes. */
  output: string;
  /** The engine is stopped after this long (TTS_ENGINE_TIMEOUT). */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * A speech engine. `speak` writes audio in the engine's own format; `synthesize` converts it to a
 * Play prompt, so every engine gets the same level, trimming and checks.
 *
 * @example
 * const engine = await resolveEngine('espeak-ng');
 * await engine.speak({ text: 'Hallo', voice: 'de', output: '/tmp/raw.wav', timeoutMs: 30000 });
 */
export interface TtsEngine {
  /** Its name in messages: `espeak-ng`, `command`, `espeak-ng-emscripten`, or your own. */
  readonly name: string;
  /**
   * What identifies its output for caching: the name plus what changes the sound (the program's
   * path, the command line, the package version).
   */
  readonly id: string;
  /**
   * Writes speech to `request.output`.
   * @throws {SiphookError} `TTS_VOICE_UNKNOWN`, `TTS_ENGINE_FAILED`, `TTS_ENGINE_TIMEOUT`, `CONVERT_ABORTED`.
   */
  speak(request: SpeakRequest): Promise<void>;
  /** The voices it has, for the unknown-voice message; undefined when it cannot list them. */
  voices(): Promise<string[] | undefined>;
  /** Frees what it holds (a worker thread); optional. */
  close?(): Promise<void>;
}

/** Names of the built-in engines. */
export const ENGINE_NAMES = ['espeak-ng', 'command', 'espeak-ng-emscripten'] as const;
/** A built-in engine's name. */
export type EngineName = (typeof ENGINE_NAMES)[number];

const SPEC_EXPECTED =
  '"espeak-ng", "espeak-ng-emscripten", { name: "espeak-ng", path? } or { name: "command", command: "program … {out}" }';

/** A built-in engine and its settings, as given in options, a server config or on the command line. */
export const EngineSpecSchema = z.union(
  [
    z.enum(['espeak-ng', 'espeak-ng-emscripten']),
    z.strictObject({
      name: z.literal('espeak-ng'),
      /** The program; default: `ESPEAK_NG_PATH`, else `espeak-ng` on PATH. */
      path: z.string().min(1).optional(),
    }),
    z.strictObject({
      name: z.literal('command'),
      /** Program and arguments, e.g. `piper --model de.onnx --output_file {out}`; text on stdin. */
      command: z.string().min(1),
    }),
    z.strictObject({ name: z.literal('espeak-ng-emscripten') }),
  ],
  { error: SPEC_EXPECTED },
);

/** A built-in engine and its settings. */
export type EngineSpec = z.infer<typeof EngineSpecSchema>;

/** True for an engine object (anything with `speak` and `id`) rather than a spec. */
export function isTtsEngine(value: unknown): value is TtsEngine {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TtsEngine).speak === 'function' &&
    typeof (value as TtsEngine).id === 'string'
  );
}

/**
 * Finds the engine a spec names: the program on PATH, the command's program, or the optional npm
 * package. Done once (at start-up); the engine is then used for every prompt.
 *
 * @throws {SiphookError} `TTS_ENGINE_NOT_FOUND` naming the engine and how to install it, or
 *   `OPTIONS_INVALID` for a spec that is not one of the forms above.
 * @example
 * const engine = await resolveEngine({ name: 'command', command: 'piper -m de.onnx -f {out}' });
 */
export async function resolveEngine(spec: EngineSpec = 'espeak-ng'): Promise<TtsEngine> {
  const result = EngineSpecSchema.safeParse(spec);
  if (!result.success) {
    const issue = createIssue('FIELD_INVALID', 'engine', SPEC_EXPECTED, spec);
    throw new SiphookError('OPTIONS_INVALID', issue.message, { issues: [issue] });
  }
  const parsed = result.data;
  const name = typeof parsed === 'string' ? parsed : parsed.name;
  // Each engine's module is loaded only when chosen.
  if (name === 'espeak-ng') {
    const { createEspeakNgEngine } = await import('./espeak-ng-engine.js');
    return createEspeakNgEngine(
      typeof parsed === 'object' && 'path' in parsed ? parsed.path : undefined,
    );
  }
  if (name === 'command') {
    const { createCommandEngine } = await import('./command-engine.js');
    return createCommandEngine((parsed as { command: string }).command);
  }
  const { createEspeakEmscriptenEngine } = await import('./espeak-emscripten-engine.js');
  return createEspeakEmscriptenEngine();
}
