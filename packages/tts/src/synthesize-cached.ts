/**
 * A folder of prompts made from text, each named by a hash of everything that shapes its sound
 * (engine, voice, text, {@link PROMPT_LEVEL}), so that a prompt is synthesised once: when it is
 * there already, asking for it costs one hash and one stat.
 */
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PROMPT_LEVEL, synthesize } from './synthesize.js';
import type { TtsEngine } from './tts-engine.js';

/** Bumped when the way prompts are made changes in a way the other parts of the key do not show. */
const KEY_VERSION = 1;
/** Smallest file that holds a WAV header and at least one sample. */
const MIN_PROMPT_BYTES = 46;

/**
 * The cache key of a prompt: 32 hex digits of the SHA-256 of engine id, voice, text and
 * {@link PROMPT_LEVEL}.
 *
 * @example
 * synthesisKey(engine, 'Willkommen', 'de') // '3f9a…' (32 hex digits)
 */
export function synthesisKey(engine: Pick<TtsEngine, 'id'>, text: string, voice: string): string {
  return createHash('sha256')
    .update(JSON.stringify([KEY_VERSION, engine.id, voice, text, PROMPT_LEVEL]))
    .digest('hex')
    .slice(0, 32);
}

/** Options of {@link synthesizeCached}. */
export interface SynthesizeCachedOptions {
  /** The engine, resolved once (see `resolveEngine`). */
  engine: TtsEngine;
  voice: string;
  /** Folder of the prompts; created when the first one is written. */
  cacheDir: string;
  /** Time the engine may take, ms; default 30000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Where a cached prompt is, and whether it was there already. */
export interface CachedPrompt {
  /** `<cacheDir>/<key>.wav`. */
  file: string;
  key: string;
  /** True when it was there already (nothing was synthesised). */
  cached: boolean;
}

/**
 * Returns the prompt for `text` from `cacheDir`, synthesising it into the folder first when it is
 * not there. Files are written atomically, so one that exists is whole.
 *
 * @throws {SiphookError} whatever {@link synthesize} throws, when the prompt had to be made.
 * @example
 * const { file, cached } = await synthesizeCached('Willkommen', { engine, voice: 'de', cacheDir: '.cache' });
 */
export async function synthesizeCached(
  text: string,
  options: SynthesizeCachedOptions,
): Promise<CachedPrompt> {
  const key = synthesisKey(options.engine, text, options.voice);
  const file = join(options.cacheDir, `${key}.wav`);
  const found = await stat(file).catch(() => undefined);
  if (found?.isFile() === true && found.size >= MIN_PROMPT_BYTES)
    return { file, key, cached: true };
  await mkdir(options.cacheDir, { recursive: true });
  await synthesize(text, {
    engine: options.engine,
    voice: options.voice,
    output: file,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { file, key, cached: false };
}
