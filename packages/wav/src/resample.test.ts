import { describe, expect, it } from 'vitest';
import { goertzelAmplitude, tone } from '../test/convert-signals.js';
import {
  createPlayResampler,
  createResampler,
  designBank,
  designPolyphaseFilter,
  firModuleBytes,
  planPlayResampling,
  type Resampler,
  simdAvailable,
  streamingResampler,
  WASM_MODULE_BASE64,
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

  it('runs the WebAssembly SIMD kernel on this Node, and it agrees with the TypeScript kernel', () => {
    expect(simdAvailable()).toBe(true);
    const input = tone(1234, 48000, 0.5, 0.6, 0.05);
    for (const rate of [44100, 48000, 22050, 6000]) {
      const signal = rate === 48000 ? input : tone(1234, rate, 0.5, 0.6, 0.05);
      for (const filter of planPlayResampling(rate)) {
        const fast = resample(streamingResampler(filter, true), signal, 1000);
        const plain = resample(streamingResampler(filter, false), signal, 1000);
        expect(fast.length).toBe(plain.length);
        let worst = 0;
        for (let n = 0; n < fast.length; n++)
          worst = Math.max(worst, Math.abs(fast[n]! - plain[n]!));
        // float32 sums against float64 sums: about 1e-7, far below one 16-bit step (3e-5).
        expect(worst, `${filter.inputRate} → ${filter.outputRate}`).toBeLessThan(1e-6);
      }
    }
  });

  it('gives the same samples for a block much longer than one internal step', () => {
    const input = tone(900, 44100, 3, 0.7, 0.02); // 132 300 samples: several 16 Ki steps
    const whole = resample(44100, input, input.length);
    expect(whole.length).toBe(Math.ceil((input.length * 80) / 441));
    expect(resample(44100, input, 777)).toEqual(whole);
  });

  it('loads exactly the WebAssembly module that the assembler in resample.ts produces', () => {
    const assembled = Buffer.from(firModuleBytes()).toString('base64');
    expect(WASM_MODULE_BASE64, 'regenerate WASM_MODULE_BASE64 from firModuleBytes()').toBe(
      assembled,
    );
  });

  it('designs the same banks in WebAssembly and in TypeScript (to float32 rounding)', () => {
    for (const [phases, halfWidth, taps, cutoff, beta] of [
      [80, 68, 136, 3700 / 14700, 8.52],
      [320, 50, 100, 3700 / 11025, 8.52],
      [512, 200, 400, 3700 / 44099, 8.52],
      [1, 18, 36, 7050 / 44100, 8.52],
      [4, 20, 40, 0.3, 3],
    ] as const) {
      const fast = designBank(phases, halfWidth, taps, cutoff, beta, true);
      const plain = designBank(phases, halfWidth, taps, cutoff, beta, false);
      expect(fast.length).toBe((phases + 1) * taps);
      let worst = 0;
      for (let i = 0; i < fast.length; i++) worst = Math.max(worst, Math.abs(fast[i]! - plain[i]!));
      expect(worst, `${phases} phases × ${taps} taps`).toBeLessThan(1e-7);
      // Unity DC gain per row, zero padding past 2K.
      for (let phase = 0; phase <= phases; phase++) {
        let sum = 0;
        for (let m = 0; m < taps; m++) sum += fast[phase * taps + m]!;
        expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
        for (let m = 2 * halfWidth; m < taps; m++) expect(fast[phase * taps + m]).toBe(0);
      }
    }
  });
});
