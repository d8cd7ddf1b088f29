/**
 * The check after every conversion: the written file's duration and level are compared with the
 * source's, so that a decoder or pipeline fault (byte-swapped samples, a wrong codec, a dropped
 * block) is an error rather than a playable file of garbage.
 */
import { open } from 'node:fs/promises';
import { describeReceived, SiphookError } from '@siphook/schema/errors';
import { PLAY_SAMPLE_RATE } from './resample.js';
import { CANONICAL_HEADER_BYTES } from './write-wav.js';

/** What the source holds, measured before resampling. */
export interface SourceMeasure {
  /** Seconds of audio the source's container declares; undefined when it only gives an estimate. */
  durationSeconds?: number;
  /**
   * The decoded source's energy in full-scale seconds (sum of squares ÷ sample rate, full scale 1):
   * of its mono mix (TypeScript path) or of its loudest channel (ffmpeg's `astats`).
   */
  energy?: number;
}

/** What the conversion did to the signal on purpose. */
export interface ConversionEffects {
  /** Linear gain applied by normalisation (1 without it). */
  gain: number;
  /** Seconds cut by trimSilence, start and end together. */
  trimmedSeconds: number;
  /** How far the output's duration may differ from the source's, in seconds. */
  durationToleranceSeconds: number;
  /**
   * True when the declared duration is an upper bound only: ffmpeg stops where a truncated file
   * ends, as the TypeScript path converts the frames present, so only a longer output is refused.
   */
  mayBeShorter: boolean;
}

/** The output's length and energy, read back from the written file. */
export interface OutputMeasure {
  samples: number;
  /** Sum of squares ÷ 8000, full scale 1. */
  energy: number;
}

/** Resampling, the mono mix and trimming silence only remove energy; 1 dB covers filter ripple. */
const LOUDER_LIMIT_DB = 1;
/** Energy per output second that dither may add (TPDF ±1 LSB is about −101 dBFS), with margin. */
const DITHER_ENERGY_PER_SECOND = 1e-9;
const READ_BYTES = 256 * 1024;

/**
 * Reads a canonical Play file (44-byte header, then 16-bit mono samples) back from disk and sums
 * its squares, in 256 KiB reads.
 */
export async function measurePlayFile(path: string): Promise<OutputMeasure> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(READ_BYTES);
    const view = new DataView(buffer.buffer);
    let position = CANONICAL_HEADER_BYTES;
    let samples = 0;
    let sum = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, position);
      const whole = bytesRead - (bytesRead % 2);
      for (let at = 0; at < whole; at += 2) {
        const value = view.getInt16(at, true);
        sum += value * value;
      }
      samples += whole / 2;
      position += whole;
      if (bytesRead < READ_BYTES) break;
    }
    return { samples, energy: sum / 32768 / 32768 / PLAY_SAMPLE_RATE };
  } finally {
    await handle.close();
  }
}

const toDb = (ratio: number): string => `${(10 * Math.log10(ratio)).toFixed(1)} dB`;

/**
 * Throws `CONVERT_OUTPUT_INVALID` when the output's duration is not the source's (less what was
 * trimmed; for ffmpeg's input, longer than it), or when it is more than 1 dB louder than the source and the gain allow: decoding
 * garbage (byte-swapped samples, the wrong codec) gives noise, which is louder than the source.
 * A quieter output is not refused: a tone above 4 kHz, or channels that cancel in the mono mix,
 * rightly come out near silent.
 */
export function verifyConversion(
  input: string,
  source: SourceMeasure,
  output: OutputMeasure,
  effects: ConversionEffects,
): void {
  const outputSeconds = output.samples / PLAY_SAMPLE_RATE;
  const fail = (what: string, details: Record<string, unknown>): never => {
    throw new SiphookError(
      'CONVERT_OUTPUT_INVALID',
      `converting ${describeReceived(input)}: ${what}; nothing was written`,
      { input, ...details },
    );
  };
  if (source.durationSeconds !== undefined) {
    const expected = source.durationSeconds - effects.trimmedSeconds;
    const difference = outputSeconds - expected;
    const shorter = effects.mayBeShorter ? false : -difference > effects.durationToleranceSeconds;
    if (difference > effects.durationToleranceSeconds || shorter)
      fail(
        `the output lasts ${outputSeconds.toFixed(3)} s, but the source declares ${expected.toFixed(3)} s: the decoder ${shorter ? 'dropped' : 'invented'} audio`,
        { outputSeconds, expectedSeconds: expected },
      );
  }
  if (source.energy === undefined) return;
  if (!Number.isFinite(source.energy))
    fail('the decoder produced samples that are not numbers', { sourceEnergy: source.energy });
  const allowed = source.energy * effects.gain ** 2;
  const louder = allowed * 10 ** (LOUDER_LIMIT_DB / 10) + DITHER_ENERGY_PER_SECOND * outputSeconds;
  if (output.energy > louder)
    fail(
      `the output is ${toDb(output.energy / Math.max(allowed, Number.MIN_VALUE))} louder than the source, where resampling and the mono mix never raise the level (${LOUDER_LIMIT_DB} dB is allowed for filter ripple): the decoder produced noise instead of the source`,
      { outputEnergy: output.energy, sourceEnergy: source.energy, gain: effects.gain },
    );
}
