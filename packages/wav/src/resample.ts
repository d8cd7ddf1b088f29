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
  const windowNorm = besselI0(beta);
  const coefficients = new Float32Array((phases + 1) * taps);
  const row = new Float64Array(taps);
  for (let phase = 0; phase <= phases; phase++) {
    let sum = 0;
    for (let m = 0; m < 2 * halfWidth; m++) {
      // Distance from the output instant to input sample m of the window, in input samples.
      const t = phase / phases + halfWidth - 1 - m;
      const ratio = t / halfWidth;
      const window =
        ratio * ratio >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - ratio * ratio)) / windowNorm;
      const x = 2 * cutoff * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      row[m] = 2 * cutoff * sinc * window;
      sum += row[m]!;
    }
    for (let m = 0; m < taps; m++)
      coefficients[phase * taps + m] = m < 2 * halfWidth ? row[m]! / sum : 0;
  }
  return { inputRate, outputRate, up, down, phases, taps, halfWidth, coefficients };
}

/** Multiply-adds per output second of a bank, known before designing it (× 2 when phases are interpolated). */
function costOf(inputRate: number, outputRate: number, spec: LowPassSpec): number {
  const up = outputRate / gcd(inputRate, outputRate);
  return kernelSize(inputRate, spec).taps * outputRate * (up <= MAX_EXACT_PHASES ? 1 : 2);
}

/** Stage 1 needs at least this much transition band (Hz) to be worth a stage. */
const MIN_FIRST_STAGE_TRANSITION = 2000;

/**
 * Plans Play resampling from `inputRate`: one polyphase bank, or two when cheaper. A first stage
 * decimating by an integer D needs only to keep [0, 4 kHz) free of what folds at the intermediate
 * rate, so its transition band is wide and its filter short; the narrow 3.4–4 kHz transition is
 * then done at the low intermediate rate. For 44.1 kHz this halves the work (÷4, then 320/441 at 11025 Hz).
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

/**
 * Starts a streaming resampler. Output sample n sits at input time n·M/L, so the output is
 * time-aligned with the input (no filter delay) and `ceil(inputLength·L/M)` samples long.
 * Memory: the filter bank plus one input block and 2K samples of history.
 *
 * @example
 * const resampler = createResampler(designPolyphaseFilter(48000, 8000));
 * const out = resampler.push(block); // …then resampler.flush()
 */
export function createResampler(filter: PolyphaseFilter): Resampler {
  const { up, down, phases, taps, halfWidth, coefficients } = filter;
  const exact = phases === up;
  // buffer[j] holds input sample bufferStart + j; it starts with K zeros before sample 0.
  let buffer = new Float32Array(4096 + taps);
  let bufferStart = -halfWidth;
  let bufferLength = halfWidth;
  let inputLength = 0;
  let output = new Float32Array(1024);
  // Position of the next output sample: input index `base` plus `remainder / up`.
  let base = 0;
  let remainder = 0;
  let produced = 0;
  let flushed = false;

  /** Appends `count` samples of `input`, or zeros when `input` is null. */
  function append(input: Float32Array | null, count: number): void {
    const needed = bufferLength + count;
    // Slack of `taps` past the end: zero-padded taps may read there (times a zero coefficient).
    if (needed + taps > buffer.length) {
      const grown = new Float32Array(Math.max(needed + taps, buffer.length * 2));
      grown.set(buffer.subarray(0, bufferLength));
      buffer = grown;
    }
    if (input === null) buffer.fill(0, bufferLength, needed);
    else buffer.set(input, bufferLength);
    bufferLength = needed;
  }

  /** Produces every output whose window lies inside the buffer and before `limit` (in L units). */
  function produce(limit: number): Float32Array {
    const lastAvailable = bufferStart + bufferLength - 1;
    const maxOut = Math.ceil(((lastAvailable + 2) * up) / down) - produced + 2;
    if (output.length < maxOut) output = new Float32Array(Math.max(maxOut, output.length * 2));
    const out = output;
    const coeffs = coefficients;
    const buf = buffer;
    let count = 0;
    while (base + halfWidth <= lastAvailable && base * up + remainder < limit) {
      const start = base - halfWidth + 1 - bufferStart;
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
        a0 += coeffs[row + m]! * buf[start + m]!;
        a1 += coeffs[row + m + 1]! * buf[start + m + 1]!;
        a2 += coeffs[row + m + 2]! * buf[start + m + 2]!;
        a3 += coeffs[row + m + 3]! * buf[start + m + 3]!;
      }
      let value = a0 + a1 + a2 + a3;
      if (weight !== 0) {
        const next = row + taps;
        let b0 = 0;
        let b1 = 0;
        let b2 = 0;
        let b3 = 0;
        for (let m = 0; m < taps; m += 4) {
          b0 += coeffs[next + m]! * buf[start + m]!;
          b1 += coeffs[next + m + 1]! * buf[start + m + 1]!;
          b2 += coeffs[next + m + 2]! * buf[start + m + 2]!;
          b3 += coeffs[next + m + 3]! * buf[start + m + 3]!;
        }
        value += weight * (b0 + b1 + b2 + b3 - value);
      }
      out[count++] = value;
      remainder += down;
      if (remainder >= up) {
        base += Math.floor(remainder / up);
        remainder %= up;
      }
    }
    produced += count;
    // Keep only the history the next output still needs.
    const keepFrom = base - halfWidth + 1 - bufferStart;
    if (keepFrom > 0) {
      buffer.copyWithin(0, keepFrom, bufferLength);
      bufferLength -= keepFrom;
      bufferStart += keepFrom;
    }
    return out.subarray(0, count);
  }

  return {
    push(input: Float32Array): Float32Array {
      if (flushed) throw new Error('resampler: push after flush');
      append(input, input.length);
      inputLength += input.length;
      return produce(Number.POSITIVE_INFINITY);
    },
    flush(): Float32Array {
      if (flushed) return output.subarray(0, 0);
      flushed = true;
      // Zeros past the end complete the last windows (taps covers 2K, plus slack for padding).
      append(null, taps + halfWidth);
      return produce(inputLength * up);
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
