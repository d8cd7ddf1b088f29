import { describe, expect, it } from 'vitest';
import { createQuantizer } from './dither.js';

describe('createQuantizer', () => {
  it('without dither rounds exactly, so 16-bit values pass through unchanged', () => {
    const values = Int16Array.from([-32768, -1, 0, 1, 12345, 32767]);
    const out = new Int16Array(values.length);
    const clamped = createQuantizer({ dither: false }).quantize(
      Float32Array.from(values, (v) => v / 32768),
      1,
      out,
    );
    expect(out).toEqual(values);
    expect(clamped).toBe(0);
  });

  it('clamps (never wraps) beyond full scale and counts the clamped samples', () => {
    const out = new Int16Array(4);
    const clamped = createQuantizer({ dither: true }).quantize(
      Float32Array.from([1.5, -2, 0.5, -0.5]),
      1,
      out,
      0,
    );
    expect([out[0], out[1]]).toEqual([32767, -32768]);
    expect(clamped).toBe(2);
  });

  it('adds triangular ±1 LSB noise: silence becomes −1, 0, +1 in the ratio 1:6:1, mean 0', () => {
    const count = 200_000;
    const out = new Int16Array(count);
    createQuantizer({ dither: true, seed: 12345 }).quantize(new Float32Array(count), 1, out);
    const histogram = new Map<number, number>();
    for (const value of out) histogram.set(value, (histogram.get(value) ?? 0) + 1);
    expect([...histogram.keys()].sort()).toEqual([-1, 0, 1]);
    // P(|d| > 0.5) for a triangular d on (−1, 1) is 1/4, split evenly.
    expect(histogram.get(-1)! / count).toBeCloseTo(0.125, 2);
    expect(histogram.get(1)! / count).toBeCloseTo(0.125, 2);
    expect(histogram.get(0)! / count).toBeCloseTo(0.75, 2);
  });

  it('decorrelates: a constant of a third of an LSB averages to a third, not to 0', () => {
    const count = 100_000;
    const out = new Int16Array(count);
    createQuantizer({ dither: true }).quantize(new Float32Array(count).fill(1 / 3 / 32768), 1, out);
    const mean = out.reduce((sum, value) => sum + value, 0) / count;
    expect(mean).toBeCloseTo(1 / 3, 1);
    const undithered = new Int16Array(count);
    createQuantizer({ dither: false }).quantize(
      new Float32Array(count).fill(1 / 3 / 32768),
      1,
      undithered,
    );
    expect(undithered.every((value) => value === 0)).toBe(true);
  });

  it('applies the gain before rounding and writes at the offset', () => {
    const out = new Int16Array(3);
    createQuantizer({ dither: false }).quantize(Float32Array.from([0.25]), 2, out, 2);
    expect(Array.from(out)).toEqual([0, 0, 16384]);
  });
});
