import { describe, expect, it } from 'vitest';
import { goertzelAmplitude, tone } from '../test/convert-signals.js';
import {
  createPlayResampler,
  createResampler,
  designPolyphaseFilter,
  planPlayResampling,
  type Resampler,
} from './resample.js';

/** Runs `input` through a fresh Play resampler for `rate` in blocks of `block` samples. */
function resample(rate: number | Resampler, input: Float64Array, block = 4096): Float64Array {
  const resampler = typeof rate === 'number' ? createPlayResampler(rate) : rate;
  const parts: number[] = [];
  for (let at = 0; at < input.length; at += block) {
    parts.push(...resampler.push(Float32Array.from(input.subarray(at, at + block))));
  }
  parts.push(...resampler.flush());
  return Float64Array.from(parts);
}

/** Output level of a tone at `frequency`, read at `readAt` Hz in the 8 kHz output, in dB re `amplitude`. */
function levelDb(rate: number, frequency: number, readAt = frequency, amplitude = 0.5): number {
  const output = resample(rate, tone(frequency, rate, 1, amplitude));
  const measured = goertzelAmplitude(output, 8000, readAt, 1000, 6000);
  return 20 * Math.log10(measured / amplitude);
}

describe('designPolyphaseFilter', () => {
  it('reduces the ratio with gcd', () => {
    const filter = designPolyphaseFilter(44100, 8000);
    expect([filter.up, filter.down, filter.phases]).toEqual([80, 441, 80]);
    expect(filter.taps % 4).toBe(0);
    const quarter = designPolyphaseFilter(48000, 8000);
    expect([quarter.up, quarter.down]).toEqual([1, 6]);
  });

  it('uses an interpolated phase table when L is large (44099 Hz → 8000 Hz is 8000/44099)', () => {
    const filter = designPolyphaseFilter(44099, 8000);
    expect(filter.up).toBe(8000);
    expect(filter.phases).toBe(512);
  });
});

describe('planPlayResampling', () => {
  it('splits 44.1 kHz into a short ÷3 stage and a narrow 80/147 stage at 14700 Hz', () => {
    const plan = planPlayResampling(44100);
    expect(plan.map((stage) => [stage.inputRate, stage.outputRate, stage.up, stage.down])).toEqual([
      [44100, 14700, 1, 3],
      [14700, 8000, 80, 147],
    ]);
  });

  it('plans nothing for 8 kHz input, and createPlayResampler passes it through', () => {
    expect(planPlayResampling(8000)).toEqual([]);
    const input = tone(440, 8000, 0.1);
    expect(resample(8000, input, 100)).toEqual(Float64Array.from(Float32Array.from(input)));
  });
});

describe('createResampler', () => {
  it('a single 44.1 kHz stage also meets the Play low-pass', () => {
    const single = (frequency: number) => {
      const output = resample(
        createResampler(designPolyphaseFilter(44100, 8000)),
        tone(frequency, 44100, 1),
      );
      return (
        20 *
        Math.log10(
          goertzelAmplitude(
            output,
            8000,
            Math.abs(frequency - 8000 * Math.round(frequency / 8000)),
            1000,
            6000,
          ) / 0.5,
        )
      );
    };
    expect(Math.abs(single(3400))).toBeLessThan(0.1);
    expect(single(4500)).toBeLessThan(-80);
  });

  for (const rate of [44100, 48000, 22050, 16000, 11025, 96000, 44099]) {
    it(`${rate} Hz: flat to ±0.1 dB up to 3.4 kHz, ≤ −80 dB from 4 kHz`, () => {
      for (const frequency of [300, 1000, 3400])
        expect(Math.abs(levelDb(rate, frequency))).toBeLessThan(0.1);
      // Each stopband tone is read where it would fold to in the 8 kHz output.
      const stopband = [4050, 4500, 6000, 7900, 9100, 15000].filter((f) => f < rate / 2 - 200);
      for (const frequency of stopband) {
        const folded = Math.abs(frequency - 8000 * Math.round(frequency / 8000));
        expect(
          levelDb(rate, frequency, folded),
          `${frequency} Hz folding to ${folded} Hz`,
        ).toBeLessThan(-80);
      }
    });
  }

  it('is time-aligned: output n equals the input tone at time n/8000 (no filter delay)', () => {
    const input = tone(1000, 44100, 0.5, 0.5, 0);
    const output = resample(44100, input, 1000);
    expect(output.length).toBe(Math.ceil((input.length * 80) / 441));
    for (let n = 500; n < output.length - 500; n += 37) {
      expect(Math.abs(output[n]! - 0.5 * Math.sin((2 * Math.PI * 1000 * n) / 8000))).toBeLessThan(
        2e-4,
      );
    }
  });

  it('gives the same samples whatever the block sizes', () => {
    const input = tone(700, 48000, 0.2, 0.8, 0.01);
    const whole = resample(48000, input, input.length);
    for (const block of [1, 7, 333, 4096]) expect(resample(48000, input, block)).toEqual(whole);
  });

  it('keeps a constant exactly constant (unity DC gain per phase)', () => {
    const output = resample(22050, new Float64Array(22050).fill(0.25), 1000);
    for (let n = 200; n < output.length - 200; n++)
      expect(Math.abs(output[n]! - 0.25)).toBeLessThan(1e-6);
  });

  it('upsamples below 8 kHz without imaging', () => {
    expect(Math.abs(levelDb(6000, 1000))).toBeLessThan(0.1);
    // A 1 kHz tone at 6 kHz images to 5 kHz, which folds to 3 kHz in the 8 kHz output.
    const output = resample(6000, tone(1000, 6000, 1, 0.5));
    expect(
      20 * Math.log10(goertzelAmplitude(output, 8000, 5000 - 2000, 1000, 6000) / 0.5),
    ).toBeLessThan(-80);
  });

  it('gives the same samples for a block much longer than one internal step', () => {
    const input = tone(900, 44100, 3, 0.7, 0.02); // 132 300 samples: several 16 Ki steps
    const whole = resample(44100, input, input.length);
    expect(whole.length).toBe(Math.ceil((input.length * 80) / 441));
    expect(resample(44100, input, 777)).toEqual(whole);
  });

  it('designs banks with unity gain at DC in every row and zeros past 2K', () => {
    for (const [inputRate, outputRate] of [
      [14700, 8000],
      [11025, 8000],
      [44100, 14700],
      [6000, 8000],
      [44099, 8000], // a prime rate: more than 1024 phases, stored interpolated
    ] as const) {
      const filter = designPolyphaseFilter(inputRate, outputRate);
      const { phases, taps, halfWidth, coefficients } = filter;
      expect(coefficients.length).toBe((phases + 1) * taps);
      for (let phase = 0; phase <= phases; phase++) {
        let sum = 0;
        for (let m = 0; m < taps; m++) sum += coefficients[phase * taps + m]!;
        expect(Math.abs(sum - 1), `${inputRate} → ${outputRate}, phase ${phase}`).toBeLessThan(
          1e-5,
        );
        for (let m = 2 * halfWidth; m < taps; m++) expect(coefficients[phase * taps + m]).toBe(0);
      }
    }
  });
});
