// Shared by the CLI's command tests: run the CLI in-process with captured output, and build small
// PCM WAV files to feed it.
import { runCli } from '../src/run-cli.js';

/** Collects what a command writes, for assertions. */
export function capture(): { write: (chunk: string) => void; readonly text: string } {
  let text = '';
  return {
    write: (chunk: string) => {
      text += chunk;
    },
    get text() {
      return text;
    },
  };
}

/** Runs `siphook <argv>` in-process and returns the exit code with everything it printed. */
export async function run(
  argv: string[],
  signal?: AbortSignal,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const code = await runCli(argv, { stdout, stderr, ...(signal === undefined ? {} : { signal }) });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Layout and content of a generated WAV; `sample` gives each frame's value per channel. */
export interface PcmWavOptions {
  rate?: number;
  channels?: number;
  bits?: 8 | 16 | 24 | 32;
  frames?: number;
  /** The format tag written into `fmt ` (1 = PCM); other tags make deliberately odd files. */
  tag?: number;
  /** A value in −1…1 for frame `i`, channel `c`; silence when absent. */
  sample?: (i: number, c: number) => number;
}

/** A canonical 44-byte-header integer PCM WAV. */
export function pcmWav(options: PcmWavOptions = {}): Buffer {
  const { rate = 8000, channels = 1, bits = 16, frames = 800, tag = 1, sample } = options;
  const bytesPerSample = bits / 8;
  const blockAlign = channels * bytesPerSample;
  const dataSize = frames * blockAlign;
  const bytes = Buffer.alloc(44 + dataSize);
  bytes.write('RIFF', 0, 'latin1');
  bytes.writeUInt32LE(36 + dataSize, 4);
  bytes.write('WAVEfmt ', 8, 'latin1');
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(tag, 20);
  bytes.writeUInt16LE(channels, 22);
  bytes.writeUInt32LE(rate, 24);
  bytes.writeUInt32LE(rate * blockAlign, 28);
  bytes.writeUInt16LE(blockAlign, 32);
  bytes.writeUInt16LE(bits, 34);
  bytes.write('data', 36, 'latin1');
  bytes.writeUInt32LE(dataSize, 40);
  if (sample === undefined) return bytes;
  const full = 2 ** (bits - 1) - 1;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const offset = 44 + i * blockAlign + c * bytesPerSample;
      const value = Math.round(Math.max(-1, Math.min(1, sample(i, c))) * full);
      if (bits === 8) bytes.writeUInt8(value + 128, offset);
      else bytes.writeIntLE(value, offset, bytesPerSample);
    }
  }
  return bytes;
}

/** A sine of `hz` at `amplitude` (of full scale), as a {@link PcmWavOptions.sample} function. */
export function sine(hz: number, rate: number, amplitude = 0.5): (i: number) => number {
  return (i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate);
}
