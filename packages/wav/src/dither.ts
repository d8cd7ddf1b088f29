/**
 * Quantisation of float samples to 16-bit PCM with TPDF dither: triangular noise of ±1 LSB added
 * before rounding makes the rounding error independent of the signal, so quiet passages and fades
 * keep a clean noise floor (about −98 dBFS) instead of correlated distortion.
 */
/** Turns float blocks (±1 full scale) into 16-bit samples; keeps the noise generator's state between blocks. */
export interface Quantizer {
  /**
   * Writes `round(input[i] · gain · 32768 + dither)` into `out[outOffset + i]` for every sample of
   * `input`, clamped to the int16 range (clamping, never wrapping). Returns how many were clamped.
   */
  quantize(input: Float32Array, gain: number, out: Int16Array, outOffset?: number): number;
}

/**
 * Creates a quantiser. With `dither: false` it rounds only, which is exact (lossless) when the
 * input already holds 16-bit values, so an 8 kHz mono 16-bit file passes through bit for bit.
 * The noise comes from a seeded xorshift32 generator: fast, allocation-free and reproducible.
 *
 * @example
 * const quantizer = createQuantizer({ dither: true });
 * quantizer.quantize(floats, 1, int16s);
 */
export function createQuantizer(options: { dither: boolean; seed?: number }): Quantizer {
  let state = options.seed === undefined || options.seed === 0 ? 0x2545f491 : options.seed | 0;
  const dither = options.dither;
  return {
    quantize(input: Float32Array, gain: number, out: Int16Array, outOffset = 0): number {
      const count = input.length;
      const scale = gain * 32768;
      let clamped = 0;
      let s = state;
      for (let i = 0; i < count; i++) {
        let value = input[i]! * scale;
        if (dither) {
          s ^= s << 13;
          s ^= s >>> 17;
          s ^= s << 5;
          // Two 16-bit uniforms from one draw; their sum minus one is triangular on (−1, 1) LSB.
          value += ((s & 0xffff) + (s >>> 16)) * (1 / 65536) - 1;
        }
        let rounded = Math.floor(value + 0.5);
        if (rounded > 32767) {
          rounded = 32767;
          clamped++;
        } else if (rounded < -32768) {
          rounded = -32768;
          clamped++;
        }
        out[outOffset + i] = rounded;
      }
      state = s;
      return clamped;
    },
  };
}
