/**
 * Streaming rational-ratio resampler: a Kaiser-windowed sinc low-pass evaluated as a polyphase
 * filter, so each output sample costs one short dot product and memory holds only filter state.
 */

/** What the low-pass must achieve, in Hz at the input side. */
export interface LowPassSpec {
  /** Highest frequency kept flat (±0.1 dB or better). */
  passbandHz: number;
  /** Lowest frequency attenuated by at least `stopbandAttenuationDb`. */
  stopbandHz: number;
  /** Stopband attenuation in dB (positive). */
  stopbandAttenuationDb: number;
}

/** A polyphase filter bank designed for one input rate → output rate conversion. */
export interface PolyphaseFilter {
  inputRate: number;
  outputRate: number;
  /** Upsampling factor L of the reduced ratio L/M. */
  up: number;
  /** Downsampling factor M of the reduced ratio L/M. */
  down: number;
  /** Number of phases stored; equals `up`, or a fixed table size with interpolation when `up` is large. */
  phases: number;
  /** Taps per phase (a multiple of 4, zero-padded). */
  taps: number;
  /** Half-width K of the kernel in input samples: output at time t reads x[floor(t)-K+1 .. floor(t)+K]. */
  halfWidth: number;
  /** `(phases + 1) * taps` coefficients; row `phases` repeats row 0 shifted by one input sample. */
  coefficients: Float32Array;
}

/** Play output rate: sipgate.io plays only 8000 Hz. */
export const PLAY_SAMPLE_RATE = 8000;
/**
 * The Play pipeline's low-pass: flat to 3.4 kHz (the telephone band), at least 80 dB down from
 * 4 kHz, the output Nyquist frequency, so nothing above it can fold back into the band. The design
 * target carries a few dB of margin over the 80 dB promised.
 */
export const PLAY_LOW_PASS: LowPassSpec = {
  passbandHz: 3400,
  stopbandHz: 4000,
  stopbandAttenuationDb: 86,
};

/** Above this many exact phases the bank is stored at this size and interpolated linearly. */
const MAX_EXACT_PHASES = 1024;
const INTERPOLATED_PHASES = 512;

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * Zeroth-order modified Bessel function of the first kind, by Abramowitz & Stegun 9.8.1–9.8.2
 * (relative error < 2·10⁻⁷): a window that exact moves sidelobes by less than −130 dB, and it is
 * far cheaper than the power series when a bank of 30 000 coefficients is designed at start-up.
 */
function besselI0(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3.75) {
    const y = (x / 3.75) ** 2;
    return (
      1 +
      y *
        (3.5156229 +
          y * (3.0899424 + y * (1.2067492 + y * (0.2659732 + y * (0.0360768 + y * 0.0045813)))))
    );
  }
  const y = 3.75 / ax;
  return (
    (Math.exp(ax) / Math.sqrt(ax)) *
    (0.39894228 +
      y *
        (0.01328592 +
          y *
            (0.00225319 +
              y *
                (-0.00157565 +
                  y *
                    (0.00916281 +
                      y * (-0.02057706 + y * (0.02635537 + y * (-0.01647633 + y * 0.00392377))))))))
  );
}

/** Kaiser's β for a stopband attenuation in dB (Kaiser 1974, as in Oppenheim & Schafer). */
function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21)
    return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/**
 * The low-pass used to convert `inputRate` to `outputRate` for Play: the Play spec where it fits
 * below both Nyquist frequencies, else scaled to the lower Nyquist (when upsampling from < 8 kHz).
 */
export function lowPassFor(inputRate: number, outputRate: number): LowPassSpec {
  const nyquist = Math.min(inputRate, outputRate) / 2;
  if (nyquist >= PLAY_LOW_PASS.stopbandHz) return PLAY_LOW_PASS;
  return { ...PLAY_LOW_PASS, passbandHz: nyquist * 0.85, stopbandHz: nyquist };
}

/** Kernel half-width K (input samples) from Kaiser's length formula, and taps padded to a multiple of 4. */
function kernelSize(inputRate: number, spec: LowPassSpec): { halfWidth: number; taps: number } {
  const transition = (2 * Math.PI * (spec.stopbandHz - spec.passbandHz)) / inputRate;
  const order = (spec.stopbandAttenuationDb - 7.95) / (2.285 * transition);
  const halfWidth = Math.max(2, Math.ceil(order / 2));
  return { halfWidth, taps: Math.ceil((2 * halfWidth) / 4) * 4 };
}

/**
 * The coefficient bank: `(phases + 1)` rows of `taps`, row p holding tap m at distance
 * t = p/phases + K − 1 − m from the output instant, normalised to unity gain at DC (so a constant
 * stays exactly constant), zeros past 2K. Every tap samples one even kernel h (the Kaiser-windowed
 * sinc) at a multiple of 1/phases, so h is evaluated once per |j| ≤ phases·K.
 * In WebAssembly when `fast` and available, since this runs once per process before the JIT has
 * warmed up (tens of ms as plain JS on a slow host); otherwise in TypeScript with the Abramowitz
 * & Stegun I0. The two agree to about 1e-9. Not part of the package's exports.
 */
export function designBank(
  phases: number,
  halfWidth: number,
  taps: number,
  cutoff: number,
  beta: number,
  fast: boolean,
): Float32Array {
  const last = phases * halfWidth;
  const bankAt = (last + 1) * 8;
  const bankLength = (phases + 1) * taps;
  const instance = fast ? wasmInstance(bankAt + bankLength * 4) : undefined;
  if (instance !== undefined) {
    const { exports, buffer } = instance;
    const step = (2 * Math.PI * cutoff) / phases; // angle π·x advanced per j
    const norm = besselI0Series(beta);
    exports.kaiser!(
      0,
      last,
      Math.cos(step),
      Math.sin(step),
      step,
      (beta * beta) / 4,
      (2 * cutoff) / norm,
    );
    const table = new Float64Array(buffer, 0, last + 1);
    table[0] = 2 * cutoff;
    table[last] = 0; // the window's end
    exports.bank!(bankAt, 0, phases, halfWidth, taps);
    return new Float32Array(buffer, bankAt, bankLength).slice();
  }
  const windowNorm = besselI0(beta);
  const kernel = new Float64Array(last + 1);
  for (let j = 0; j < last; j++) {
    const ratio = j / last;
    const window = besselI0(beta * Math.sqrt(1 - ratio * ratio)) / windowNorm;
    const x = 2 * cutoff * (j / phases);
    const sinc = j === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    kernel[j] = 2 * cutoff * sinc * window;
  }
  const coefficients = new Float32Array((phases + 1) * taps);
  for (let phase = 0; phase <= phases; phase++) {
    let sum = 0;
    for (let m = 0; m < 2 * halfWidth; m++)
      sum += kernel[Math.abs(phase + phases * (halfWidth - 1 - m))]!;
    for (let m = 0; m < 2 * halfWidth; m++)
      coefficients[phase * taps + m] =
        kernel[Math.abs(phase + phases * (halfWidth - 1 - m))]! / sum;
  }
  return coefficients;
}

/**
 * `bank(out, table, phases, K, stride)` writes rows p = 0 … phases of f32 taps at `out` (row
 * stride `stride` floats): tap m is table[|p + phases·(K − 1 − m)|] / (the sum of the row's 2K
 * values, in order), the f64 table's values divided in f64 and rounded to f32, as the TypeScript does.
 */
function bankCode(): number[] {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (value: number) => [0x41, value]; // small non-negative constants only
  const [add, sub, mul, shl, ne, ltS] = [0x6a, 0x6b, 0x6c, 0x74, 0x47, 0x48];
  const loop = (body: number[]) => [0x03, 0x40, ...body, 0x0b];
  // Params: 0 out, 1 table, 2 phases, 3 K, 4 stride. Locals: 5 p, 6 m, 7 j, 8 row (i32) | 9 sum (f64).
  /** Pushes the f64 table value for (p, m): j = p + phases·(K − 1 − m), read at |j|. */
  const value = [
    ...[...get(5), ...get(2), ...get(3), ...i32(1), sub, ...get(6), sub, mul, add, ...set(7)],
    ...[...get(1), ...i32(0), ...get(7), sub, ...get(7), ...get(7), ...i32(0), ltS, 0x1b], // select |j|
    ...[...i32(3), shl, add, 0x2b, 0x03, 0x00], // f64.load
  ];
  /** m += 1, and branches back while m < 2K. */
  const nextTap = [...get(6), ...i32(1), add, ...tee(6), ...get(3), ...i32(1), shl, ne, 0x0d, 0x00];
  return [
    ...[0x02, 0x04, 0x7f, 0x01, 0x7c],
    ...[...i32(0), ...set(5)],
    ...loop([
      ...[0x44, ...new Array<number>(8).fill(0), ...set(9), ...i32(0), ...set(6)],
      ...loop([...get(9), ...value, 0xa0, ...set(9), ...nextTap]),
      ...[
        ...get(0),
        ...get(5),
        ...get(4),
        mul,
        ...i32(2),
        shl,
        add,
        ...set(8),
        ...i32(0),
        ...set(6),
      ],
      ...loop([
        ...[...get(8), ...get(6), ...i32(2), shl, add], // address row + 4m
        ...[...value, ...get(9), 0xa3, 0xb6, 0x38, 0x02, 0x00], // f64.div, f32.demote_f64, f32.store
        ...nextTap,
      ]),
      ...[...get(5), ...i32(1), add, ...tee(5), ...get(2), ...i32(1), add, ne, 0x0d, 0x00],
    ]),
    0x0b,
  ];
}

/**
 * `quantize(in, out, count, scale, state, dither)` is dither.ts's quantiser over `count` f32 samples
 * at `in` into int16 at `out`, with the same float64 operations in the same order (so the same
 * output bit for bit): v = in·scale, plus (u1 + u2)/65536 − 1 from one xorshift32 draw when
 * `dither`, floor(v + 0.5), clamped to int16. Returns the generator state; stores the clamp count at 0.
 */
function quantizeCode(): number[] {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (value: number) => [0x41, ...sleb(value)];
  const f64 = (value: number) => [0x44, ...new Uint8Array(new Float64Array([value]).buffer)];
  const [iAdd, iMul, iAnd, iXor, shl, shrU, ne] = [0x6a, 0x6c, 0x71, 0x73, 0x74, 0x76, 0x47];
  const [fAdd, fSub, fMul, floor, gt, lt, toF64u] = [0xa0, 0xa1, 0xa2, 0x9c, 0x64, 0x63, 0xb8];
  const xorShift = (bits: number, op: number) => [
    ...get(4),
    ...get(4),
    ...i32(bits),
    op,
    iXor,
    ...set(4),
  ];
  // Params: 0 in, 1 out, 2 count, 3 scale, 4 state, 5 dither. Locals: 6 end, 7 clamped (i32) | 8 v (f64).
  return [
    ...[0x02, 0x02, 0x7f, 0x01, 0x7c],
    ...[...get(0), ...get(2), ...i32(4), iMul, iAdd, ...set(6)],
    ...[0x03, 0x40],
    ...[...get(0), 0x2a, 0x02, 0x00, 0xbb, ...get(3), fMul, ...set(8)], // v = f64(in[i]) · scale
    ...[...get(5), 0x04, 0x40], // if dither
    ...[...xorShift(13, shl), ...xorShift(17, shrU), ...xorShift(5, shl)],
    ...[
      ...get(8),
      ...get(4),
      ...i32(0xffff),
      iAnd,
      toF64u,
      ...get(4),
      ...i32(16),
      shrU,
      toF64u,
      fAdd,
    ],
    ...[...f64(1 / 65536), fMul, ...f64(1), fSub, fAdd, ...set(8), 0x0b],
    ...[...get(8), ...f64(0.5), fAdd, floor, ...tee(8), ...f64(32767), gt],
    ...[0x04, 0x40, ...f64(32767), ...set(8), ...get(7), ...i32(1), iAdd, ...set(7)],
    ...[0x05, ...get(8), ...f64(-32768), lt],
    ...[0x04, 0x40, ...f64(-32768), ...set(8), ...get(7), ...i32(1), iAdd, ...set(7), 0x0b, 0x0b],
    ...[...get(1), ...get(8), 0xaa, 0x3b, 0x01, 0x00], // i32.store16 (i32.trunc_f64_s v)
    ...[...get(1), ...i32(2), iAdd, ...set(1)],
    ...[...get(0), ...i32(4), iAdd, ...tee(0), ...get(6), ne, 0x0d, 0x00, 0x0b],
    ...[...i32(0), ...get(7), 0x36, 0x02, 0x00], // i32.store clamped at 0
    ...get(4),
    0x0b,
  ];
}

/**
 * `mix16(in, out, frames, channels, scale)` is decode-pcm.ts's int16 mix-down: for each frame the
 * integer sum of its `channels` little-endian int16 samples at `in`, times `scale` in float64,
 * rounded to the f32 at `out` (the same operations as the TypeScript, so the same floats).
 */
function mix16Code(): number[] {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (value: number) => [0x41, value]; // small non-negative constants only
  const [add, sub, mul, ne] = [0x6a, 0x6b, 0x6c, 0x47];
  // Params: 0 in, 1 out, 2 frames, 3 channels, 4 scale. Locals: 5 end, 6 sum, 7 c (i32).
  return [
    ...[0x01, 0x03, 0x7f],
    ...[...get(1), ...get(2), ...i32(4), mul, add, ...set(5)],
    ...[0x03, 0x40],
    ...[...i32(0), ...set(6), ...get(3), ...set(7)],
    ...[0x03, 0x40, ...get(6), ...get(0), 0x2e, 0x01, 0x00, add, ...set(6)], // sum += i32.load16_s
    ...[...get(0), ...i32(2), add, ...set(0)],
    ...[...get(7), ...i32(1), sub, ...tee(7), 0x0d, 0x00, 0x0b],
    ...[...get(1), ...get(6), 0xb7, ...get(4), 0xa2, 0xb6, 0x38, 0x02, 0x00], // f32.store
    ...[...get(1), ...i32(4), add, ...tee(1), ...get(5), ne, 0x0d, 0x00, 0x0b],
    0x0b,
  ];
}

/**
 * `mix16x2(in, out, frames, scale)` and `mix16x1(…)`: the int16 mix-down for 2 and 1 channels,
 * four frames per f32x4 step (a few frames past `frames` may be read and written, into the caller's
 * slack). With `scale` a power of two (1/65536, 1/32768) every step is exact, so the floats equal
 * the TypeScript's float64 sum · scale rounded to f32.
 */
function mixSimdCode(channels: 1 | 2): number[] {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (value: number) => [0x41, ...sleb(value)];
  const [add, and, mul, ne] = [0x6a, 0x71, 0x6c, 0x47];
  // i32x4.extadd_pairwise_i16x8_s of 8 samples (stereo), or i32x4.load16x4_s of 4 samples (mono).
  const load =
    channels === 2
      ? [...get(0), 0xfd, 0x00, 0x00, 0x00, 0xfd, 0x7e]
      : [...get(0), 0xfd, 0x03, 0x00, 0x00];
  // Params: 0 in, 1 out, 2 frames, 3 scale (f32). Locals: 4 end (i32) | 5 scale × 4 (v128).
  return [
    ...[0x02, 0x01, 0x7f, 0x01, 0x7b],
    ...[...get(1), ...get(2), ...i32(3), add, ...i32(-4), and, ...i32(4), mul, add, ...set(4)],
    ...[...get(3), 0xfd, 0x13, ...set(5)], // f32x4.splat
    ...[0x03, 0x40, ...get(1), ...load],
    ...[0xfd, 0xfa, 0x01, ...get(5), 0xfd, 0xe6, 0x01, 0xfd, 0x0b, 0x00, 0x00], // convert, mul, store
    ...[...get(0), ...i32(8 * channels), add, ...set(0)],
    ...[...get(1), ...i32(16), add, ...tee(1), ...get(4), ne, 0x0d, 0x00, 0x0b],
    0x0b,
  ];
}

/** I0 by its power series, as the WebAssembly design computes it (for the window's normalisation). */
function besselI0Series(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= BESSEL_TERMS; k++) {
    term = (term * q) / (k * k);
    sum += term;
  }
  return sum;
}

/**
 * Designs the polyphase bank for `inputRate` → `outputRate` (integers, Hz). The ratio is reduced
 * with gcd to L/M (44100 → 8000 is 80/441); each of the L phases holds the kernel sampled at one
 * fractional offset, normalised to unity gain at DC so a constant stays exactly constant.
 *
 * @example
 * const filter = designPolyphaseFilter(44100, 8000); // filter.up === 80, filter.down === 441
 */
export function designPolyphaseFilter(
  inputRate: number,
  outputRate: number,
  spec: LowPassSpec = lowPassFor(inputRate, outputRate),
): PolyphaseFilter {
  const divisor = gcd(inputRate, outputRate);
  const up = outputRate / divisor;
  const down = inputRate / divisor;
  const phases = up <= MAX_EXACT_PHASES ? up : INTERPOLATED_PHASES;
  const { halfWidth, taps } = kernelSize(inputRate, spec);
  const cutoff = (spec.passbandHz + spec.stopbandHz) / 2 / inputRate; // cycles per input sample
  const beta = kaiserBeta(spec.stopbandAttenuationDb);
  const coefficients = designBank(phases, halfWidth, taps, cutoff, beta, true);
  return { inputRate, outputRate, up, down, phases, taps, halfWidth, coefficients };
}

/**
 * One kernel evaluation at design time (Bessel window and sine, run once per process in code not
 * yet optimised by the JIT), priced in multiply-adds per output second: designing the 320-phase
 * 11025 Hz bank costs about as much as 20 ms of filtering, which matters for a one-file CLI run.
 */
const DESIGN_COST = 8;

/**
 * Cost of a bank, known before designing it: multiply-adds per output second with taps padded to
 * the SIMD kernel's 8 (× 2 when phases are interpolated), plus its design cost (phases · K evaluations).
 */
function costOf(inputRate: number, outputRate: number, spec: LowPassSpec): number {
  const up = outputRate / gcd(inputRate, outputRate);
  const { halfWidth, taps } = kernelSize(inputRate, spec);
  const exact = up <= MAX_EXACT_PHASES;
  const filtering = Math.ceil(taps / 8) * 8 * outputRate * (exact ? 1 : 2);
  return filtering + DESIGN_COST * (exact ? up : INTERPOLATED_PHASES) * halfWidth;
}

/** Stage 1 needs at least this much transition band (Hz) to be worth a stage. */
const MIN_FIRST_STAGE_TRANSITION = 2000;

/**
 * Plans Play resampling from `inputRate`: one polyphase bank, or two when cheaper. A first stage
 * decimating by an integer D needs only to keep [0, 4 kHz) free of what folds at the intermediate
 * rate, so its transition band is wide and its filter short; the narrow 3.4–4 kHz transition is
 * then done at the low intermediate rate. For 44.1 kHz this halves the work (÷3, then 80/147 at 14700 Hz:
 * a few per cent more multiply-adds than ÷4 and 320/441 at 11025 Hz, but a third of the bank to design).
 * An empty plan means the input is already 8 kHz.
 */
export function planPlayResampling(
  inputRate: number,
  outputRate: number = PLAY_SAMPLE_RATE,
): PolyphaseFilter[] {
  const key = `${inputRate}/${outputRate}`;
  const cached = planCache.get(key);
  if (cached !== undefined) return cached;
  let plan: PolyphaseFilter[] = [];
  if (inputRate !== outputRate) {
    // Costs come from the length formula; only the chosen banks are designed.
    let best = costOf(inputRate, outputRate, lowPassFor(inputRate, outputRate));
    let bestFactor = 1;
    for (let factor = 2; factor <= 16; factor++) {
      const middle = inputRate / factor;
      if (!Number.isInteger(middle)) continue;
      const stopband = middle - PLAY_LOW_PASS.stopbandHz;
      if (stopband - PLAY_LOW_PASS.passbandHz < MIN_FIRST_STAGE_TRANSITION) break;
      const cost =
        costOf(inputRate, middle, { ...PLAY_LOW_PASS, stopbandHz: stopband }) +
        costOf(middle, outputRate, lowPassFor(middle, outputRate));
      if (cost < best) {
        best = cost;
        bestFactor = factor;
      }
    }
    if (bestFactor === 1) plan = [designPolyphaseFilter(inputRate, outputRate)];
    else {
      const middle = inputRate / bestFactor;
      plan = [
        designPolyphaseFilter(inputRate, middle, {
          ...PLAY_LOW_PASS,
          stopbandHz: middle - PLAY_LOW_PASS.stopbandHz,
        }),
        designPolyphaseFilter(middle, outputRate),
      ];
    }
  }
  planCache.set(key, plan);
  return plan;
}

const planCache = new Map<string, PolyphaseFilter[]>();

/** Streaming state of one resampling run. Feed blocks with `push`, finish with `flush`. */
export interface Resampler {
  /**
   * Consumes `input` and returns the output samples now complete. The returned array is a view
   * into a buffer reused by the next call: copy or consume it before calling again.
   */
  push(input: Float32Array): Float32Array;
  /** Ends the stream (zero-padding past the end) and returns the remaining output samples. */
  flush(): Float32Array;
  /** Output samples produced so far. */
  readonly produced: number;
}

/** Input samples held per step besides the history: a 64 KiB read of 16-bit stereo fits in one step. */
const BLOCK_SAMPLES = 16384;

/**
 * The filter's arithmetic over one step: `run(start, count, first)` writes `count` outputs into
 * `output`, output i reading `input` from `start` on (`first` is the running index of output 0).
 */
interface FirKernel {
  /** History plus one step of input, and `taps` samples of slack for the zero-padded taps. */
  input: Float32Array;
  output: Float32Array;
  run(start: number, count: number, first: number): void;
}

/** Integer ⌈a / b⌉ for non-negative integers below 2⁵³, exact where a float division may round. */
function ceilDiv(a: number, b: number): number {
  let q = Math.ceil(a / b);
  while (q > 0 && (q - 1) * b >= a) q--;
  while (q * b < a) q++;
  return q;
}

/**
 * The WebAssembly module, assembled by hand (no toolchain; opcodes from the WebAssembly SIMD spec):
 * - `fir(out, x, coef, rowBytes, count, r, table)` writes `count` float32 outputs at `out`;
 *   output i is the f32x4 dot product (two accumulators, 8 taps per iteration) of the row at
 *   `coef + r·rowBytes` with the samples at `x`, then `x` advances by `table[2r]` bytes and `r`
 *   becomes `table[2r + 1]` (the next phase);
 * - `kaiser` and `bank` design the coefficient banks (see {@link designBank}).
 *
 * The runtime compiles the same bytes from {@link WASM_MODULE_BASE64} (assembling them costs
 * milliseconds of cold JS per process); a test keeps the two identical. Not part of the package's exports.
 */
export function firModuleBytes(): Uint8Array {
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const load = (offset: number) => [0xfd, 0x00, 0x00, offset];
  const mul = [0xfd, 0xe6, 0x01];
  const add = [0xfd, 0xe4, 0x01];
  const lane = (i: number) => [0xfd, 0x1f, i];
  // Locals: 0 out, 1 x, 2 coef, 3 rowBytes, 4 count, 5 r, 6 table | 7 c, 8 xp, 9 end, 10 tp | 11, 12 accumulators.
  const code = [
    ...[0x02, 0x04, 0x7f, 0x02, 0x7b],
    ...[0x03, 0x40], // loop: one output
    ...get(2),
    ...get(5),
    ...get(3),
    0x6c,
    0x6a,
    ...set(7),
    ...get(1),
    ...tee(8),
    ...get(3),
    0x6a,
    ...set(9),
    ...zero,
    ...set(11),
    ...zero,
    ...set(12),
    ...[0x03, 0x40], // loop: eight taps
    ...get(11),
    ...get(8),
    ...load(0),
    ...get(7),
    ...load(0),
    ...mul,
    ...add,
    ...set(11),
    ...get(12),
    ...get(8),
    ...load(16),
    ...get(7),
    ...load(16),
    ...mul,
    ...add,
    ...set(12),
    ...get(7),
    0x41,
    32,
    0x6a,
    ...set(7),
    ...get(8),
    0x41,
    32,
    0x6a,
    ...tee(8),
    ...get(9),
    0x47,
    0x0d,
    0x00,
    0x0b,
    ...get(0),
    ...get(11),
    ...get(12),
    ...add,
    ...tee(11),
    ...lane(0),
    ...get(11),
    ...lane(1),
    0x92,
    ...get(11),
    ...lane(2),
    0x92,
    ...get(11),
    ...lane(3),
    0x92,
    ...[0x38, 0x02, 0x00],
    ...get(0),
    0x41,
    4,
    0x6a,
    ...set(0),
    ...get(6),
    ...get(5),
    0x41,
    8,
    0x6c,
    0x6a,
    ...tee(10),
    ...[0x28, 0x02, 0x00],
    ...get(1),
    0x6a,
    ...set(1),
    ...get(10),
    ...[0x28, 0x02, 0x04],
    ...set(5),
    ...get(4),
    0x41,
    1,
    0x6b,
    ...tee(4),
    0x0d,
    0x00,
    0x0b,
    0x0b,
  ];
  const kaiser = kaiserCode();
  const bank = bankCode();
  const quantize = quantizeCode();
  const mix16 = mix16Code();
  const mixStereo = mixSimdCode(2);
  const mixMono = mixSimdCode(1);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [
      ...[0x06, 0x60, 0x07, ...new Array<number>(7).fill(0x7f), 0x00], // fir: 7 × i32
      ...[0x60, 0x07, 0x7f, 0x7f, ...new Array<number>(5).fill(0x7c), 0x00], // kaiser: 2 × i32, 5 × f64
      ...[0x60, 0x05, ...new Array<number>(5).fill(0x7f), 0x00], // bank: 5 × i32
      ...[0x60, 0x06, 0x7f, 0x7f, 0x7f, 0x7c, 0x7f, 0x7f, 0x01, 0x7f], // quantize: (i32 i32 i32 f64 i32 i32) → i32
      ...[0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7c, 0x00], // mix16: 4 × i32, f64
      ...[0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7d, 0x00], // mix16x2, mix16x1: 3 × i32, f32
    ]),
    ...section(2, [0x01, 0x01, 0x65, 0x01, 0x6d, 0x02, 0x00, 0x01]), // memory "e"."m"
    ...section(3, [0x07, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x05]),
    ...section(7, [
      ...[0x07, 0x03, 0x66, 0x69, 0x72, 0x00, 0x00], // export "fir"
      ...[0x06, 0x6b, 0x61, 0x69, 0x73, 0x65, 0x72, 0x00, 0x01], // export "kaiser"
      ...[0x04, 0x62, 0x61, 0x6e, 0x6b, 0x00, 0x02], // export "bank"
      ...[0x08, ...[...'quantize'].map((c) => c.charCodeAt(0)), 0x00, 0x03], // export "quantize"
      ...[0x05, ...[...'mix16'].map((c) => c.charCodeAt(0)), 0x00, 0x04], // export "mix16"
      ...[0x07, ...[...'mix16x2'].map((c) => c.charCodeAt(0)), 0x00, 0x05], // export "mix16x2"
      ...[0x07, ...[...'mix16x1'].map((c) => c.charCodeAt(0)), 0x00, 0x06], // export "mix16x1"
    ]),
    ...section(10, [
      ...[0x07, ...uleb(code.length), ...code],
      ...[...uleb(kaiser.length), ...kaiser],
      ...[...uleb(bank.length), ...bank],
      ...[...uleb(quantize.length), ...quantize],
      ...[...uleb(mix16.length), ...mix16],
      ...[...uleb(mixStereo.length), ...mixStereo],
      ...[...uleb(mixMono.length), ...mixMono],
    ]),
  ]);
}

/** Terms of the I0 power series: enough for β up to 20 (stopbands to 190 dB) to full double precision. */
const BESSEL_TERMS = 40;

/**
 * `kaiser(out, last, cos, sin, step, quarterBetaSquared, gain)` fills the f64 array at `out`
 * for j = 1 … last − 1 with gain · I0(β·√(1 − (j/last)²)) · sin(j·step) / (j·step): the
 * Kaiser-windowed sinc sampled at j. The sine advances by rotation (cos and sin of `step`), and
 * I0 is its power series Σ ((x/2)²)^k / (k!)², so only multiply, divide and square root are needed.
 */
function kaiserCode(): number[] {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (value: number) => [0x41, value]; // small non-negative constants only
  const f64 = (value: number) => [0x44, ...new Uint8Array(new Float64Array([value]).buffer)];
  const [add, sub, mul, div, toF64] = [0xa0, 0xa1, 0xa2, 0xa3, 0xb7];
  const loop = (body: number[]) => [0x03, 0x40, ...body, 0x0b];
  // Params: 0 out, 1 last, 2 cos, 3 sin, 4 step, 5 quarterBetaSquared, 6 gain.
  // Locals: 7 j, 8 k (i32) | 9 sn, 10 cs, 11 tmp, 12 q, 13 term, 14 sum, 15 kf (f64).
  return [
    ...[0x02, 0x02, 0x7f, 0x07, 0x7c],
    ...[...f64(0), ...set(9), ...f64(1), ...set(10), ...i32(1), ...set(7)],
    ...loop([
      ...[...get(9), ...get(2), mul, ...get(10), ...get(3), mul, add, ...set(11)], // sin(θ + step)
      ...[...get(10), ...get(2), mul, ...get(9), ...get(3), mul, sub, ...set(10)], // cos(θ + step)
      ...[...get(11), ...set(9)],
      // q = (1 − r²)·β²/4 with r = j/last
      ...[...f64(1), ...get(7), toF64, ...get(1), toF64, div, ...tee(11), ...get(11), mul, sub],
      ...[...get(5), mul, ...set(12)],
      ...[...f64(1), ...tee(13), ...set(14), ...i32(1), ...set(8)],
      ...loop([
        ...[...get(13), ...get(12), mul, ...get(8), toF64, ...tee(15), ...get(15), mul, div],
        ...[...tee(13), ...get(14), add, ...set(14)],
        ...[...get(8), ...i32(1), 0x6a, ...tee(8), ...i32(BESSEL_TERMS + 1), 0x47, 0x0d, 0x00],
      ]),
      ...[...get(0), ...get(7), ...i32(3), 0x74, 0x6a], // address out + 8j
      ...[...get(6), ...get(14), mul, ...get(9), mul, ...get(4), ...get(7), toF64, mul, div],
      ...[0x39, 0x03, 0x00], // f64.store
      ...[...get(7), ...i32(1), 0x6a, ...tee(7), ...get(1), 0x47, 0x0d, 0x00],
    ]),
    0x0b,
  ];
}

/** Signed LEB128, as WebAssembly encodes i32 constants. */
function sleb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

function uleb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return bytes;
}

type FirFunction = (
  out: number,
  x: number,
  coef: number,
  rowBytes: number,
  count: number,
  r: number,
  table: number,
) => void;

/** {@link firModuleBytes} as base64: what the runtime compiles. Regenerate it when the assembler changes. */
export const WASM_MODULE_BASE64 =
  'AGFzbQEAAAABNgZgB39/f39/f38AYAd/f3x8fHx8AGAFf39/f38AYAZ/f398f38Bf2AFf39/f3wAYAR/f399AAIIAQFlAW0CAAEDCAcAAQIDBAUFBz4HA2ZpcgAABmthaXNlcgABBGJhbmsAAghxdWFudGl6ZQADBW1peDE2AAQHbWl4MTZ4MgAFB21peDE2eDEABgqOCAfSAQIEfwJ7A0AgAiAFIANsaiEHIAEiCCADaiEJ/QwAAAAAAAAAAAAAAAAAAAAAIQv9DAAAAAAAAAAAAAAAAAAAAAAhDANAIAsgCP0AAAAgB/0AAAD95gH95AEhCyAMIAj9AAAQIAf9AAAQ/eYB/eQBIQwgB0EgaiEHIAhBIGoiCCAJRw0ACyAAIAsgDP3kASIL/R8AIAv9HwGSIAv9HwKSIAv9HwOSOAIAIABBBGohACAGIAVBCGxqIgooAgAgAWohASAKKAIEIQUgBEEBayIEDQALC7cBAgJ/B3xEAAAAAAAAAAAhCUQAAAAAAADwPyEKQQEhBwNAIAkgAqIgCiADoqAhCyAKIAKiIAkgA6KhIQogCyEJRAAAAAAAAPA/IAe3IAG3oyILIAuioSAFoiEMRAAAAAAAAPA/Ig0hDkEBIQgDQCANIAyiIAi3Ig8gD6KjIg0gDqAhDiAIQQFqIghBKUcNAAsgACAHQQN0aiAGIA6iIAmiIAQgB7eiozkDACAHQQFqIgcgAUcNAAsLwAECBH8BfEEAIQUDQEQAAAAAAAAAACEJQQAhBgNAIAkgBSACIANBAWsgBmtsaiEHIAFBACAHayAHIAdBAEgbQQN0aisDAKAhCSAGQQFqIgYgA0EBdEcNAAsgACAFIARsQQJ0aiEIQQAhBgNAIAggBkECdGogBSACIANBAWsgBmtsaiEHIAFBACAHayAHIAdBAEgbQQN0aisDACAJo7Y4AgAgBkEBaiIGIANBAXRHDQALIAVBAWoiBSACQQFqRw0ACwvdAQICfwF8IAAgAkEEbGohBgNAIAAqAgC7IAOiIQggBQRAIAQgBEENdHMhBCAEIARBEXZzIQQgBCAEQQV0cyEEIAggBEH//wNxuCAEQRB2uKBEAAAAAAAA8D6iRAAAAAAAAPA/oaAhCAsgCEQAAAAAAADgP6CcIghEAAAAAMD/30BkBEBEAAAAAMD/30AhCCAHQQFqIQcFIAhEAAAAAAAA4MBjBEBEAAAAAAAA4MAhCCAHQQFqIQcLCyABIAiqOwEAIAFBAmohASAAQQRqIgAgBkcNAAtBACAHNgIAIAQLTgEDfyABIAJBBGxqIQUDQEEAIQYgAyEHA0AgBiAALgEAaiEGIABBAmohACAHQQFrIgcNAAsgASAGtyAEorY4AgAgAUEEaiIBIAVHDQALC0gCAX8BeyABIAJBA2pBfHFBBGxqIQQgA/0TIQUDQCABIAD9AAAA/X79+gEgBf3mAf0LAAAgAEEQaiEAIAFBEGoiASAERw0ACwtGAgF/AXsgASACQQNqQXxxQQRsaiEEIAP9EyEFA0AgASAA/QMAAP36ASAF/eYB/QsAACAAQQhqIQAgAUEQaiIBIARHDQALCw==';

/** The part of the WebAssembly global used here (the package's `lib` has no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The compiled SIMD module, or null where WebAssembly SIMD is missing (then the scalar kernel runs). */
let firModule: object | null | undefined;

function simdModule(): object | null {
  if (firModule === undefined) {
    try {
      const bytes = new Uint8Array(Buffer.from(WASM_MODULE_BASE64, 'base64'));
      firModule = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
    } catch {
      firModule = null;
    }
  }
  return firModule;
}

/**
 * A fresh instance of the module with its own memory of `bytes` bytes, or undefined where
 * WebAssembly SIMD is missing. Not part of the package's exports.
 */
export function wasmInstance(
  bytes: number,
): { exports: Record<string, (...args: number[]) => number>; buffer: ArrayBuffer } | undefined {
  const module = simdModule();
  if (wasm === undefined || module === null) return undefined;
  // Temporary, for the one-run kernel comparison in bench/wav-convert.bench.mjs (issue 10 item 3).
  if (process.env.SIPHOOK_WAV_KERNEL === 'ts') return undefined;
  try {
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const instance = new wasm.Instance(module, { e: { m: memory } });
    return {
      exports: instance.exports as Record<string, (...args: number[]) => number>,
      buffer: memory.buffer,
    };
  } catch {
    return undefined; // no memory for another instance (address space): the TypeScript paths run
  }
}

/** True when this host runs the WebAssembly SIMD kernel (Node ≥ 16.4 does). Not part of the package's exports. */
export function simdAvailable(): boolean {
  return simdModule() !== null;
}

/**
 * The SIMD kernel for an exact-phase bank: coefficients rounded to float32 as stored, taps padded
 * with zeros to a multiple of 8, products and sums in float32 (rounding error near −140 dBFS,
 * far below the 16-bit output's). Memory: one WebAssembly.Memory sized once for the bank, the
 * phase table, one step of input and its output; nothing grows afterwards.
 */
function simdKernel(
  filter: PolyphaseFilter,
  capacity: number,
  outCapacity: number,
): FirKernel | undefined {
  if (filter.phases !== filter.up) return undefined;
  const { up, down, taps, coefficients } = filter;
  const padded = Math.ceil(taps / 8) * 8;
  const coefBytes = up * padded * 4;
  const tableAt = coefBytes;
  const inputAt = tableAt + up * 8;
  const inputLength = capacity + padded;
  const outputAt = inputAt + inputLength * 4;
  const total = outputAt + outCapacity * 4;
  const instance = wasmInstance(total);
  if (instance === undefined) return undefined;
  const { buffer } = instance;
  const fir = instance.exports.fir as FirFunction;
  const bank = new Float32Array(buffer, 0, up * padded);
  for (let phase = 0; phase < up; phase++)
    bank.set(coefficients.subarray(phase * taps, (phase + 1) * taps), phase * padded);
  const table = new Int32Array(buffer, tableAt, up * 2);
  for (let r = 0; r < up; r++) {
    table[2 * r] = Math.floor((r + down) / up) * 4;
    table[2 * r + 1] = (r + down) % up;
  }
  return {
    input: new Float32Array(buffer, inputAt, inputLength),
    output: new Float32Array(buffer, outputAt, outCapacity),
    run(start, count, first) {
      const r = (first * down) % up;
      fir(outputAt, inputAt + start * 4, 0, padded * 4, count, r, tableAt);
    },
  };
}

/** Plain TypeScript kernel: any bank, including interpolated phases; sums in float64. */
function scalarKernel(filter: PolyphaseFilter, capacity: number, outCapacity: number): FirKernel {
  const { up, down, phases, taps, coefficients } = filter;
  const exact = phases === up;
  const input = new Float32Array(capacity + taps);
  const output = new Float32Array(outCapacity);
  return {
    input,
    output,
    run(start, count, first) {
      const coeffs = coefficients;
      const buf = input;
      let remainder = (first * down) % up;
      let at = start;
      for (let i = 0; i < count; i++) {
        let row: number;
        let weight = 0;
        if (exact) row = remainder * taps;
        else {
          const position = (remainder * phases) / up;
          const phase = Math.floor(position);
          weight = position - phase;
          row = phase * taps;
        }
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let m = 0; m < taps; m += 4) {
          a0 += coeffs[row + m]! * buf[at + m]!;
          a1 += coeffs[row + m + 1]! * buf[at + m + 1]!;
          a2 += coeffs[row + m + 2]! * buf[at + m + 2]!;
          a3 += coeffs[row + m + 3]! * buf[at + m + 3]!;
        }
        let value = a0 + a1 + a2 + a3;
        if (weight !== 0) {
          const next = row + taps;
          let b0 = 0;
          let b1 = 0;
          let b2 = 0;
          let b3 = 0;
          for (let m = 0; m < taps; m += 4) {
            b0 += coeffs[next + m]! * buf[at + m]!;
            b1 += coeffs[next + m + 1]! * buf[at + m + 1]!;
            b2 += coeffs[next + m + 2]! * buf[at + m + 2]!;
            b3 += coeffs[next + m + 3]! * buf[at + m + 3]!;
          }
          value += weight * (b0 + b1 + b2 + b3 - value);
        }
        output[i] = value;
        remainder += down;
        while (remainder >= up) {
          remainder -= up;
          at++;
        }
      }
    },
  };
}

/**
 * Starts a streaming resampler. Output sample n sits at input time n·M/L, so the output is
 * time-aligned with the input (no filter delay) and `ceil(inputLength·L/M)` samples long.
 * Memory is fixed at creation: the filter bank, one step of 16 Ki input samples plus 2K of
 * history, and that step's output; longer blocks are processed in steps. Exact-phase banks run
 * as WebAssembly SIMD where available, others (and hosts without SIMD) in plain TypeScript.
 *
 * @example
 * const resampler = createResampler(designPolyphaseFilter(48000, 8000));
 * const out = resampler.push(block); // …then resampler.flush()
 */
export function createResampler(filter: PolyphaseFilter): Resampler {
  return streamingResampler(filter, true);
}

/**
 * {@link createResampler} with the SIMD kernel switched off or on (`simd`), for tests comparing
 * the two. Not part of the package's exports.
 */
export function streamingResampler(filter: PolyphaseFilter, simd: boolean): Resampler {
  const { up, down, taps, halfWidth } = filter;
  const capacity = BLOCK_SAMPLES + 2 * taps;
  const outCapacity = ceilDiv((capacity + 1) * up, down) + 2;
  const kernel =
    (simd ? simdKernel(filter, capacity, outCapacity) : undefined) ??
    scalarKernel(filter, capacity, outCapacity);
  const buffer = kernel.input;
  // buffer[j] holds input sample bufferStart + j; it starts with K zeros before sample 0.
  let bufferStart = -halfWidth;
  let bufferLength = halfWidth;
  /** Input samples still to drop: a next window may start past what has arrived. */
  let skip = 0;
  let inputLength = 0;
  let produced = 0;
  let flushed = false;
  let result = new Float32Array(outCapacity);
  let resultLength = 0;

  /** Outputs every sample whose window lies in the buffer and whose position n·M is below `limit`. */
  function produce(limit: number): void {
    const lastInput = bufferStart + bufferLength - 1;
    // Output n needs floor(n·M/L) + K ≤ lastInput, that is n·M < (lastInput − K + 1)·L.
    let end = ceilDiv(Math.max(0, (lastInput - halfWidth + 1) * up), down);
    if (limit !== Number.POSITIVE_INFINITY) end = Math.min(end, ceilDiv(limit, down));
    const count = end - produced;
    if (count > 0) {
      const base = Math.floor((produced * down) / up);
      kernel.run(base - halfWidth + 1 - bufferStart, count, produced);
      if (resultLength + count > result.length) {
        const grown = new Float32Array(Math.max(resultLength + count, result.length * 2));
        grown.set(result.subarray(0, resultLength));
        result = grown;
      }
      result.set(kernel.output.subarray(0, count), resultLength);
      resultLength += count;
      produced = end;
    }
    // Keep only the history the next output still needs.
    const keepFrom = Math.floor((produced * down) / up) - halfWidth + 1 - bufferStart;
    if (keepFrom > 0) {
      const kept = Math.max(0, bufferLength - keepFrom);
      buffer.copyWithin(0, keepFrom, keepFrom + kept);
      skip += keepFrom - bufferLength + kept;
      bufferLength = kept;
      bufferStart += keepFrom;
    }
  }

  /** Feeds `count` samples of `input` (zeros when null) in steps that fit the buffer. */
  function feed(input: Float32Array | null, count: number, limit: number): Float32Array {
    resultLength = 0;
    let at = 0;
    while (at < count) {
      const dropped = Math.min(skip, count - at);
      skip -= dropped;
      at += dropped;
      const length = Math.min(count - at, capacity - bufferLength);
      if (length <= 0) throw new Error('resampler: history fills the buffer'); // unreachable: history < 2K + L
      if (input === null) buffer.fill(0, bufferLength, bufferLength + length);
      else buffer.set(input.subarray(at, at + length), bufferLength);
      bufferLength += length;
      at += length;
      produce(limit);
    }
    return result.subarray(0, resultLength);
  }

  return {
    push(input: Float32Array): Float32Array {
      if (flushed) throw new Error('resampler: push after flush');
      inputLength += input.length;
      return feed(input, input.length, Number.POSITIVE_INFINITY);
    },
    flush(): Float32Array {
      if (flushed) return result.subarray(0, 0);
      flushed = true;
      // Zeros past the end complete the last windows (2K covers every window reaching the end).
      return feed(null, taps + halfWidth, inputLength * up);
    },
    get produced(): number {
      return produced;
    },
  };
}

/**
 * The Play resampler for `inputRate`: the stages of {@link planPlayResampling} chained, or a
 * pass-through at 8 kHz. Same streaming contract as {@link createResampler}.
 *
 * @example
 * const resampler = createPlayResampler(44100);
 * for (const block of blocks) consume(resampler.push(block));
 * consume(resampler.flush());
 */
export function createPlayResampler(inputRate: number): Resampler {
  const stages = planPlayResampling(inputRate).map(createResampler);
  const divisor = gcd(inputRate, PLAY_SAMPLE_RATE);
  let consumed = 0;
  let produced = 0;
  const count = (block: Float32Array): Float32Array => {
    produced += block.length;
    return block;
  };
  if (stages.length === 0)
    return {
      push: count,
      flush: () => new Float32Array(0),
      get produced() {
        return produced;
      },
    };
  return {
    push(input: Float32Array): Float32Array {
      consumed += input.length;
      let block = input;
      for (const stage of stages) block = stage.push(block);
      return count(block);
    },
    flush(): Float32Array {
      // Each stage's tail goes through the later stages, then those are flushed in turn.
      let tail: Float32Array = new Float32Array(0);
      for (const stage of stages) {
        // Copied: the stage reuses its output buffer in flush().
        const pushed = stage.push(tail).slice();
        const flushed = stage.flush();
        tail = new Float32Array(pushed.length + flushed.length);
        tail.set(pushed);
        tail.set(flushed, pushed.length);
      }
      // Rounding up at each stage can add a sample: keep exactly ceil(input · 8000 / rate), as one stage would.
      const total = Math.ceil((consumed * (PLAY_SAMPLE_RATE / divisor)) / (inputRate / divisor));
      return count(tail.subarray(0, Math.max(0, total - produced)));
    },
    get produced() {
      return produced;
    },
  };
}
