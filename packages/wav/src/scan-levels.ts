/**
 * The first pass of normalisation and silence trimming: one streaming run of the pipeline that
 * keeps only the peak and the positions of the first and last non-silent output samples.
 */
import { createPlayResampler } from './resample.js';

/** Output samples [first, last] are at or above the silence threshold; `length` is the full output length. */
export interface SilenceSpan {
  first: number;
  last: number;
  length: number;
}

/** What {@link scanLevels} found in the resampled (8 kHz) signal; `first` is −1 when all is below the threshold. */
export interface Levels extends SilenceSpan {
  /** Largest absolute sample value (1 = full scale). */
  peak: number;
}

/**
 * Streams the input through the same resampler as the write pass and measures the 8 kHz result,
 * so the peak is the one normalisation scales and the trim points fall on output samples.
 * `stream` calls its argument once per mono block at `sampleRate`.
 *
 * @example
 * const levels = await scanLevels((onBlock) => streamMono(source, signal, onBlock), 44100, 10 ** (-50 / 20));
 */
export async function scanLevels(
  stream: (onBlock: (mono: Float32Array) => void) => Promise<void>,
  sampleRate: number,
  threshold: number,
): Promise<Levels> {
  const resampler = createPlayResampler(sampleRate);
  let peak = 0;
  let first = -1;
  let last = -1;
  let index = 0;
  const visit = (block: Float32Array) => {
    for (let i = 0; i < block.length; i++) {
      const magnitude = Math.abs(block[i]!);
      if (magnitude > peak) peak = magnitude;
      if (magnitude >= threshold) {
        if (first < 0) first = index + i;
        last = index + i;
      }
    }
    index += block.length;
  };
  await stream((mono) => visit(resampler.push(mono)));
  visit(resampler.flush());
  return { peak, first, last, length: index };
}
