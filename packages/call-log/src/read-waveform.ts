import { isHttpUrl } from '@siphook/schema';
import { checkPlayable, describeFormat, inspectWavBytes } from '@siphook/wav';
import type { Waveform } from './call-record.js';

/** Limits of {@link readWaveform}. */
export interface ReadWaveformOptions {
  /** Most bytes read (default 4 MiB: over four minutes of 8 kHz 16-bit audio). */
  maxBytes?: number;
  /** Time for every request and the body together (default 5000 ms). */
  timeoutMs?: number;
  /** Most redirects followed (default 3). */
  maxRedirects?: number;
  /** Number of (min, max) pairs (default 300). */
  buckets?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches a Play URL and draws it: reads at most `maxBytes`, follows at most `maxRedirects`, gives
 * up after `timeoutMs`, and never throws (what went wrong is in `problems`).
 *
 * @example
 * const waveform = await readWaveform('http://127.0.0.1:3000/audio/welcome.wav');
 * waveform.format // '8000 Hz mono 16-bit PCM'
 */
export async function readWaveform(
  url: string,
  options: ReadWaveformOptions = {},
): Promise<Waveform> {
  const maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
  const waveform: Waveform = {
    url,
    playable: false,
    format: null,
    durationSeconds: null,
    peaks: [],
    problems: [],
  };
  let bytes: Uint8Array;
  try {
    bytes = await fetchBounded(url, maxBytes, options.timeoutMs ?? 5000, options.maxRedirects ?? 3);
  } catch (error) {
    waveform.problems.push({ code: 'URL_UNREACHABLE', message: (error as Error).message });
    return waveform;
  }
  const info = inspectWavBytes(bytes);
  const verdict = checkPlayable(info);
  waveform.problems = verdict.problems
    // A file cut at maxBytes is drawn as far as it was read, not reported as truncated.
    .filter((problem) => !(bytes.length >= maxBytes && problem.code === 'WAV_TRUNCATED'))
    .map((problem) => ({ code: problem.code, message: problem.message }));
  waveform.playable = waveform.problems.length === 0;
  if (info.format !== undefined) waveform.format = describeFormat(info.format);
  waveform.durationSeconds = info.durationSeconds ?? null;
  const format = info.format;
  if (
    format !== undefined &&
    format.tag === 1 &&
    (format.bitsPerSample === 16 || format.bitsPerSample === 8) &&
    info.dataOffset !== undefined
  ) {
    const end = Math.min(bytes.length, info.dataOffset + (info.dataSize ?? bytes.length));
    waveform.peaks = drawPeaks(
      bytes.subarray(info.dataOffset, end),
      format.bitsPerSample,
      format.blockAlign,
      options.buckets ?? 300,
    );
  }
  return waveform;
}

/** Min and max of the first channel per bucket, rounded to 3 decimals. */
function drawPeaks(data: Uint8Array, bits: number, blockAlign: number, buckets: number): number[] {
  const frames = Math.floor(data.length / Math.max(1, blockAlign));
  if (frames === 0) return [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = Math.min(buckets, frames);
  const peaks: number[] = [];
  for (let bucket = 0; bucket < count; bucket++) {
    const from = Math.floor((bucket * frames) / count);
    const to = Math.floor(((bucket + 1) * frames) / count);
    let min = 1;
    let max = -1;
    for (let frame = from; frame < to; frame++) {
      const offset = frame * blockAlign;
      const sample =
        bits === 16 ? view.getInt16(offset, true) / 32768 : (view.getUint8(offset) - 128) / 128;
      if (sample < min) min = sample;
      if (sample > max) max = sample;
    }
    peaks.push(Math.round(min * 1000) / 1000, Math.round(max * 1000) / 1000);
  }
  return peaks;
}

/** GETs a URL, following redirects by hand (to count them), reading at most `maxBytes`. */
async function fetchBounded(
  url: string,
  maxBytes: number,
  timeoutMs: number,
  maxRedirects: number,
): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(timeoutMs);
  let current = url;
  for (let hop = 0; ; hop++) {
    if (!isHttpUrl(current)) throw new Error(`${current}: not an absolute http(s) URL`);
    const response = await fetch(current, { redirect: 'manual', signal });
    if (REDIRECTS.has(response.status)) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (location === null || hop >= maxRedirects) {
        throw new Error(
          `${current}: ${location === null ? 'a redirect without Location' : `more than ${maxRedirects} redirects`}`,
        );
      }
      current = new URL(location, current).href;
      continue;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`${current}: answered ${response.status}`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body !== null) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        size += value.byteLength;
        if (size >= maxBytes) {
          await reader.cancel();
          break;
        }
      }
    }
    return Buffer.concat(chunks, Math.min(size, maxBytes));
  }
}
