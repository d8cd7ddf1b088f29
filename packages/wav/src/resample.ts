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
 */
function designBank(
  phases: number,
  halfWidth: number,
  taps: number,
  cutoff: number,
  beta: number,
): Float32Array {
  const last = phases * halfWidth;
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
  const coefficients = designBank(phases, halfWidth, taps, cutoff, beta);
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
 * a multiple of 4 (× 2 when phases are interpolated), plus its design cost (phases · K evaluations).
 */
function costOf(inputRate: number, outputRate: number, spec: LowPassSpec): number {
  const up = outputRate / gcd(inputRate, outputRate);
  const { halfWidth, taps } = kernelSize(inputRate, spec);
  const exact = up <= MAX_EXACT_PHASES;
  const filtering = taps * outputRate * (exact ? 1 : 2);
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
 * Σ c[row + m] · x[at + m] for m < taps (a multiple of 4), in four running sums of float64. A small
 * function of its own, so V8 compiles one tight loop and inlines it into the kernel.
 */
function dot(c: Float32Array, row: number, x: Float32Array, at: number, taps: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  const end = row + taps;
  for (let r = row, p = at; r < end; r += 4, p += 4) {
    a0 += c[r]! * x[p]!;
    a1 += c[r + 1]! * x[p + 1]!;
    a2 += c[r + 2]! * x[p + 2]!;
    a3 += c[r + 3]! * x[p + 3]!;
  }
  return a0 + a1 + a2 + a3;
}

/** The dot products: any bank, including interpolated phases (two rows blended). */
function firKernel(filter: PolyphaseFilter, capacity: number, outCapacity: number): FirKernel {
  const { up, down, phases, taps, coefficients } = filter;
  const exact = phases === up;
  const input = new Float32Array(capacity + taps);
  const output = new Float32Array(outCapacity);
  return {
    input,
    output,
    run(start, count, first) {
      let remainder = (first * down) % up;
      let at = start;
      for (let i = 0; i < count; i++) {
        if (exact) output[i] = dot(coefficients, remainder * taps, input, at, taps);
        else {
          const position = (remainder * phases) / up;
          const phase = Math.floor(position);
          const weight = position - phase;
          const value = dot(coefficients, phase * taps, input, at, taps);
          output[i] =
            weight === 0
              ? value
              : value + weight * (dot(coefficients, (phase + 1) * taps, input, at, taps) - value);
        }
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
 * history, and that step's output; longer blocks are processed in steps.
 *
 * @example
 * const resampler = createResampler(designPolyphaseFilter(48000, 8000));
 * const out = resampler.push(block); // …then resampler.flush()
 */
export function createResampler(filter: PolyphaseFilter): Resampler {
  const { up, down, taps, halfWidth } = filter;
  const capacity = BLOCK_SAMPLES + 2 * taps;
  const outCapacity = ceilDiv((capacity + 1) * up, down) + 2;
  const kernel = firKernel(filter, capacity, outCapacity);
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
