/**
 * The prompts of a flow's `say:` steps: made with `@siphook/tts` at start-up into a cache folder,
 * each under a hash of engine, voice, text and level settings, so a text is synthesised once and
 * a later start costs one hash and one stat per `say:`. A problem (no engine, an unknown voice)
 * is a start-up error that points at the `say:` in the flow file, never a failure on a live call.
 */
import path from 'node:path';
import { isSiphookError, SiphookError } from '@siphook/schema';
import {
  type CachedPrompt,
  DEFAULT_VOICE,
  type EngineSpec,
  resolveEngine,
  synthesizeCached,
  type TtsEngine,
} from '@siphook/tts';
import type { SayInput } from './flow-schema.js';
import type { FlowSay, LoadedFlow } from './load-flow.js';

/** How `say:` prompts are made: the engine, where they are kept, and the engine's time limit. */
export interface SaySettings {
  engine: EngineSpec;
  /** Cache folder; default `<prompts folder>/.siphook-cache/say`. */
  cacheDir: string | undefined;
  timeoutMs: number | undefined;
}

/** The prompts of a flow's `say:` steps, ready in their folder. */
export interface SayPrompts {
  /** The folder they are in (served under `/audio/say/`). */
  cacheDir: string;
  /** The file name in `cacheDir` of the prompt for a `say:`. */
  fileOf(say: SayInput): string;
  /** How many distinct prompts there are, and how many had to be synthesised now. */
  count: number;
  synthesized: number;
}

/** Engine runs at once: each is a process of its own. */
const CONCURRENCY = 2;

/** The same engine, running at most `concurrency` of its `speak` calls at a time. */
function limitSpeaking(engine: TtsEngine, concurrency: number): TtsEngine {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) running--;
    else next(); // the slot passes straight to the next waiting call
  };
  return {
    ...engine,
    async speak(request) {
      if (running < concurrency) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        await engine.speak(request);
      } finally {
        release();
      }
    },
  };
}

const keyOf = (say: SayInput) => `${say.voice ?? DEFAULT_VOICE}\u0000${say.text}`;

/** `flows/tts-demo.yaml:12:14: routes[0].actions[0].say: ` — where a `say:` is, for messages. */
function placeOf(flow: LoadedFlow, say: FlowSay, cwd: string): string {
  const file = flow.file === undefined ? 'flow' : path.relative(cwd, flow.file) || flow.file;
  const position = say.line === undefined ? '' : `:${say.line}:${say.column}`;
  return `${file}${position}: ${say.where}`;
}

/** The same error with the place of the `say:` in front of its message and in its details. */
function at(flow: LoadedFlow, say: FlowSay, error: SiphookError, cwd: string): SiphookError {
  return new SiphookError(
    error.code,
    `${placeOf(flow, say, cwd)}: ${error.message}`,
    {
      ...error.details,
      flow: flow.file,
      where: say.where,
      ...(say.line === undefined ? {} : { line: say.line, column: say.column }),
    },
    { cause: error },
  );
}

/**
 * Makes sure every `say:` of the flow has its prompt in the cache folder, synthesising the missing
 * ones (two engine runs at a time). Identical texts in the same voice share one prompt.
 *
 * @throws {SiphookError} `TTS_ENGINE_NOT_FOUND` at the first `say:`, or the first synthesis error
 *   (`TTS_VOICE_UNKNOWN`, `TTS_ENGINE_FAILED`, `TTS_ENGINE_TIMEOUT`…) at its `say:`, with
 *   `file:line:col` in the message and `details.line` / `details.column`.
 */
export async function prepareSayPrompts(
  flow: LoadedFlow,
  settings: SaySettings,
  cwd: string = process.cwd(),
): Promise<SayPrompts> {
  const cacheDir = settings.cacheDir ?? path.join(flow.promptsDir, '.siphook-cache', 'say');
  const first = flow.says[0];
  let engine: TtsEngine;
  try {
    engine = await resolveEngine(settings.engine);
  } catch (error) {
    if (first === undefined || !isSiphookError(error)) throw error;
    throw at(flow, first, error, cwd);
  }
  const unique = new Map<string, FlowSay>();
  for (const say of flow.says) if (!unique.has(keyOf(say.say))) unique.set(keyOf(say.say), say);
  // Every prompt is looked up at once (a hash and a stat each); only the engine runs are limited.
  const speaking = limitSpeaking(engine, CONCURRENCY);
  let outcomes: PromiseSettledResult<CachedPrompt>[];
  try {
    outcomes = await Promise.allSettled(
      [...unique.values()].map((say) =>
        synthesizeCached(say.say.text, {
          engine: speaking,
          voice: say.say.voice ?? DEFAULT_VOICE,
          cacheDir,
          ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
        }),
      ),
    );
  } finally {
    await engine.close?.();
  }
  const files = new Map<string, string>();
  let synthesized = 0;
  for (const [i, [key, say]] of [...unique.entries()].entries()) {
    const outcome = outcomes[i]!;
    // The first failure in the order of the flow, whichever finished first.
    if (outcome.status === 'rejected') {
      if (!isSiphookError(outcome.reason)) throw outcome.reason;
      throw at(flow, say, outcome.reason, cwd);
    }
    files.set(key, path.basename(outcome.value.file));
    if (!outcome.value.cached) synthesized++;
  }
  return {
    cacheDir,
    fileOf: (say) => {
      const file = files.get(keyOf(say));
      if (file === undefined)
        throw new SiphookError(
          'FLOW_INVALID',
          `no prompt for say: ${JSON.stringify(say.text.slice(0, 60))}`,
        );
      return file;
    },
    count: unique.size,
    synthesized,
  };
}
