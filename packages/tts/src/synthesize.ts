/**
 * synthesize: text in, a Play prompt out. The engine writes audio in its own format into a temp
 * folder; `@siphook/wav` converts it (8 kHz mono 16-bit PCM), brings it to the prompt level and
 * trims the silence around it, checks it, and moves it into place, the same for every engine.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSiphookError, SiphookError } from '@siphook/schema/errors';
import { type ConvertResult, convertToPlayable } from '@siphook/wav';
import { type EngineSpec, isTtsEngine, resolveEngine, type TtsEngine } from './tts-engine.js';
import { checkTtsText, checkVoice, DEFAULT_VOICE } from './tts-text.js';

/**
 * How every prompt is finished, whatever the engine: the peak is brought to −3 dBFS (3 dB of
 * headroom for G.711 in the network), and silence below −50 dBFS at either end is cut to at most
 * 0.1 s. Part of every cache key, so a change here makes new prompts.
 */
export const PROMPT_LEVEL = Object.freeze({
  /** Peak level of every prompt, dBFS. */
  peakDbfs: -3,
  /** Level below which the ends count as silence, dBFS (before the gain). */
  silenceThresholdDb: -50,
  /** Quiet signal kept at each end, seconds. */
  padSeconds: 0.1,
});

/** Default time an engine may take for one prompt. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /** Voice name; default {@link DEFAULT_VOICE} (`de`). */
  voice?: string;
  /** A built-in engine by spec, or a resolved/custom {@link TtsEngine}. Default `espeak-ng`. */
  engine?: EngineSpec | TtsEngine;
  /** Write the prompt to this file (atomically). Left out, the bytes are returned instead. */
  output?: string;
  /** Time the engine may take, ms; default 30000. */
  timeoutMs?: number;
  /** Aborts the synthesis; nothing is left behind. */
  signal?: AbortSignal;
}

/** What {@link synthesize} made. */
export interface SynthesizeResult {
  /** The engine's name and the voice used. */
  engine: string;
  voice: string;
  /** The file written, when `output` was given. */
  output: string | undefined;
  /** The whole WAV file, when no `output` was given. */
  bytes: Uint8Array | undefined;
  /** Length of the prompt. */
  durationSeconds: number;
  /** Gain applied to reach {@link PROMPT_LEVEL}'s peak, dB. */
  gainDb: number;
  /** Seconds cut at the start and at the end. */
  trimmedSeconds: ConvertResult['trimmedSeconds'];
  /** `inspectWav` of the prompt: canonical, 8000 Hz, mono, 16-bit PCM. */
  info: ConvertResult['info'];
}

/** What the converter says about audio an engine made that is not usable audio. */
const GARBAGE_CODES = new Set([
  'WAV_UNSUPPORTED_FORMAT',
  'WAV_NO_AUDIO',
  'WAV_SILENT',
  'FFMPEG_FAILED',
  'CONVERT_OUTPUT_INVALID',
]);

/**
 * Speaks `text` into a Play prompt (RIFF/WAVE, PCM, mono, 8000 Hz, 16-bit, 44-byte header),
 * brought to {@link PROMPT_LEVEL}. With `output` the file is written atomically (a failure leaves
 * nothing, and an existing file untouched); without it the bytes are returned.
 *
 * @throws {SiphookError} `TTS_TEXT_INVALID` (empty, over 2000 characters, control characters),
 *   `OPTIONS_INVALID`, `TTS_ENGINE_NOT_FOUND`, `TTS_VOICE_UNKNOWN` (lists the voices),
 *   `TTS_ENGINE_TIMEOUT`, `TTS_ENGINE_FAILED` (the engine failed, wrote nothing or no audio),
 *   `CONVERT_ABORTED`, and `WAV_WRITE_FAILED` / `FFMPEG_NOT_FOUND` from the converter.
 * @example
 * const { durationSeconds } = await synthesize('Willkommen bei siphook.', { voice: 'de', output: 'welcome.wav' });
 */
export async function synthesize(
  text: string,
  options: SynthesizeOptions = {},
): Promise<SynthesizeResult> {
  const spoken = checkTtsText(text);
  const voice = checkVoice(options.voice ?? DEFAULT_VOICE);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      `timeoutMs: expected a positive integer (milliseconds); received ${String(timeoutMs).slice(0, 80)}`,
      { field: 'timeoutMs' },
    );
  }
  const engine = isTtsEngine(options.engine) ? options.engine : await resolveEngine(options.engine);
  const { signal } = options;
  const work = await mkdtemp(join(tmpdir(), 'siphook-tts-'));
  try {
    const raw = join(work, 'speech.wav');
    await engine.speak({ text: spoken, voice, output: raw, timeoutMs, signal });
    const size = (await stat(raw).catch(() => undefined))?.size ?? 0;
    if (size === 0) {
      throw new SiphookError(
        'TTS_ENGINE_FAILED',
        `${engine.name} wrote nothing; expected audio for ${JSON.stringify(spoken.slice(0, 60))}`,
        { engine: engine.name },
      );
    }
    const target = options.output ?? join(work, 'prompt.wav');
    let converted: ConvertResult;
    try {
      converted = await convertToPlayable(raw, target, {
        normalize: PROMPT_LEVEL.peakDbfs,
        trimSilence: true,
        silenceThresholdDb: PROMPT_LEVEL.silenceThresholdDb,
        trimPadSeconds: PROMPT_LEVEL.padSeconds,
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (isSiphookError(error) && GARBAGE_CODES.has(error.code)) {
        throw new SiphookError(
          'TTS_ENGINE_FAILED',
          `${engine.name} wrote no usable audio (${size} bytes): ${error.message}`,
          { engine: engine.name, code: error.code },
          { cause: error },
        );
      }
      throw error;
    }
    return {
      engine: engine.name,
      voice,
      output: options.output,
      bytes: options.output === undefined ? new Uint8Array(await readFile(target)) : undefined,
      durationSeconds: converted.durationSeconds,
      gainDb: converted.gainDb,
      trimmedSeconds: converted.trimmedSeconds,
      info: converted.info,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
    // An engine made here for this one prompt is closed again (a worker thread, if any).
    if (!isTtsEngine(options.engine)) await engine.close?.();
  }
}
