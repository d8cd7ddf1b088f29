import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isSiphookError } from '@siphook/schema';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWav, type ChunkSpec, concat, NOT_WAV, sawtooth } from '../test/wav-bytes.js';
import { checkPlayable } from './check-playable.js';
import { inspectWav, inspectWavBytes, inspectWavHead } from './inspect-wav.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-inspect-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTemp(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('inspectWavBytes', () => {
  it('reads a canonical 8 kHz mono 16-bit file', () => {
    const info = inspectWavBytes(buildWav({ frames: 8000 }));
    expect(info).toEqual({
      container: 'RIFF',
      formType: 'WAVE',
      riffSize: 36 + 16000,
      fileSize: 44 + 16000,
      format: {
        tag: 1,
        channels: 1,
        sampleRate: 8000,
        bitsPerSample: 16,
        byteRate: 16000,
        blockAlign: 2,
      },
      dataOffset: 44,
      dataSize: 16000,
      durationSeconds: 1,
      chunks: [
        { id: 'fmt ', offset: 12, size: 16 },
        { id: 'data', offset: 36, size: 16000 },
      ],
      complete: true,
      bytesRead: 44,
      problems: [],
    });
  });

  it.each([
    [8, 1],
    [16, 1],
    [24, 1],
    [32, 1],
    [32, 3],
    [64, 3],
    [8, 6],
    [8, 7],
  ])('reads %i-bit samples with format tag %i', (bits, tag) => {
    const info = inspectWavBytes(
      buildWav({ bitsPerSample: bits, tag, channels: 2, sampleRate: 44100, frames: 4410 }),
    );
    expect(info.format).toMatchObject({ tag, bitsPerSample: bits, channels: 2, sampleRate: 44100 });
    expect(info.format?.blockAlign).toBe((2 * bits) / 8);
    expect(info.durationSeconds).toBeCloseTo(0.1, 10);
    expect(info.problems).toEqual([]);
  });

  it('decodes WAVE_FORMAT_EXTENSIBLE and its subformat GUID', () => {
    const info = inspectWavBytes(
      buildWav({
        extensible: { subformat: 3, validBitsPerSample: 32, channelMask: 3 },
        bitsPerSample: 32,
        channels: 2,
      }),
    );
    expect(info.format).toMatchObject({
      tag: 0xfffe,
      subformat: 3,
      subformatGuid: '00000003-0000-0010-8000-00aa00389b71',
      validBitsPerSample: 32,
      channelMask: 3,
    });
    expect(info.chunks[0]).toEqual({ id: 'fmt ', offset: 12, size: 40 });
    expect(info.dataOffset).toBe(12 + 48 + 8);
  });

  it('leaves subformat unset for a non-standard GUID but still reports it', () => {
    const info = inspectWavBytes(
      buildWav({ extensible: { subformat: 1, guidTail: Array.from({ length: 14 }, (_, i) => i) } }),
    );
    expect(info.format?.subformat).toBeUndefined();
    expect(info.format?.subformatGuid).toBe('01000001-0302-0504-0607-08090a0b0c0d');
  });

  it('walks extra chunks, odd-sized padded chunks and any chunk order', () => {
    const bytes = buildWav({
      chunks: [
        { id: 'JUNK', body: 28 },
        'fmt',
        { id: 'LIST', body: 13 },
        { id: 'fact', body: 4 },
        'data',
        { id: 'LIST', body: 7 },
      ],
      frames: 100,
    });
    const info = inspectWavBytes(bytes);
    expect(info.chunks.map((chunk) => [chunk.id, chunk.offset, chunk.size])).toEqual([
      ['JUNK', 12, 28],
      ['fmt ', 48, 16],
      ['LIST', 72, 13],
      ['fact', 94, 4],
      ['data', 106, 200],
      ['LIST', 314, 7],
    ]);
    expect(info.dataOffset).toBe(114);
    expect(info.fileSize).toBe(bytes.length);
    expect(info.problems).toEqual([]);
  });

  it('finds fmt after data', () => {
    const info = inspectWavBytes(buildWav({ chunks: ['data', 'fmt'] }));
    expect(info.chunks.map((chunk) => chunk.id)).toEqual(['data', 'fmt ']);
    expect(info.format?.sampleRate).toBe(8000);
  });

  it('reports a 4 GiB data size without allocating it, and counts only the bytes present', () => {
    const bytes = buildWav({ frames: 1000, dataSize: 0xffffffff, riffSize: 0xffffffff });
    const info = inspectWavBytes(bytes);
    expect(info.dataSize).toBe(0xffffffff);
    expect(info.riffSize).toBe(0xffffffff);
    expect(info.durationSeconds).toBe(1000 / 8000);
  });

  it('stops at a chunk declared as 4 GiB that runs past the end, and names it', () => {
    const bytes = buildWav({
      chunks: [{ id: 'LIST', body: 10, declaredSize: 0xffffffff }, 'fmt', 'data'],
    });
    const info = inspectWavBytes(bytes);
    expect(info.chunks).toEqual([{ id: 'LIST', offset: 12, size: 0xffffffff }]);
    expect(info.problems.map((problem) => problem.code)).toEqual(['WAV_TRUNCATED']);
    expect(info.problems[0]?.message).toContain('"LIST" at offset 12 declares 4294967295 bytes');
  });

  it('reads a big-endian RIFX file', () => {
    const info = inspectWavBytes(buildWav({ container: 'RIFX', sampleRate: 22050 }));
    expect(info.container).toBe('RIFX');
    expect(info.format).toMatchObject({
      tag: 1,
      sampleRate: 22050,
      channels: 1,
      bitsPerSample: 16,
    });
  });

  it('reads an RF64 file through its ds64 chunk', () => {
    const info = inspectWavBytes(buildWav({ container: 'RF64', frames: 300 }));
    expect(info.container).toBe('RF64');
    expect(info.chunks.map((chunk) => chunk.id)).toEqual(['ds64', 'fmt ', 'data']);
    expect(info.dataSize).toBe(600);
    expect(info.durationSeconds).toBe(300 / 8000);
  });

  it('names a RIFF file that is not WAVE', () => {
    const info = inspectWavBytes(buildWav({ formType: 'AVI ' }));
    expect(info).toMatchObject({ container: 'RIFF', formType: 'AVI ', chunks: [] });
  });

  it.each([
    ['mp3 (ID3)', 'mp3'],
    ['mp3 (frame sync)', 'mp3'],
    ['ogg', 'ogg'],
    ['flac', 'flac'],
    ['mp4', 'mp4'],
    ['html', 'html'],
    ['text', 'text'],
    ['empty', 'empty'],
  ])('names %s input', (name, kind) => {
    const info = inspectWavBytes(NOT_WAV[name]!);
    expect(info.container).toBe('unknown');
    expect(info.detected).toBe(kind);
    expect(info.problems).toHaveLength(1);
    expect(info.problems[0]?.code).toBe('WAV_NOT_RIFF');
  });

  it('detects a file cut inside the RIFF header or the fmt chunk', () => {
    expect(inspectWavBytes(buildWav().subarray(0, 8)).problems[0]?.code).toBe('WAV_TRUNCATED');
    const cutFmt = inspectWavBytes(buildWav().subarray(0, 30));
    expect(cutFmt.format).toBeUndefined();
    expect(cutFmt.problems.map((problem) => problem.code)).toEqual(['WAV_TRUNCATED']);
  });

  it('refuses a fmt chunk shorter than 16 bytes', () => {
    const info = inspectWavBytes(buildWav({ fmtSize: 14 }));
    expect(info.problems.map((problem) => problem.code)).toEqual(['WAV_FMT_INVALID']);
  });

  it('stops at a chunk id that is not ASCII before data, but ignores zero padding after it', () => {
    const garbage = buildWav({
      chunks: [{ id: '\u0000\u0001\u0002\u0003', body: 4 }, 'fmt', 'data'],
    });
    expect(inspectWavBytes(garbage).problems.map((problem) => problem.code)).toEqual([
      'WAV_CHUNK_INVALID',
    ]);
    const padded = concat([buildWav(), new Uint8Array(64)]);
    expect(inspectWavBytes(padded).problems).toEqual([]);
  });

  it('reads only a head when given the total size, and says the walk is incomplete', () => {
    const whole = buildWav({ frames: 40000, chunks: ['fmt', 'data', { id: 'LIST', body: 20 }] });
    const head = whole.subarray(0, 1000);
    const info = inspectWavBytes(head, whole.length);
    expect(info.fileSize).toBe(whole.length);
    expect(info.dataSize).toBe(80000);
    expect(info.complete).toBe(false);
    expect(info.chunks.map((chunk) => chunk.id)).toEqual(['fmt ', 'data']);
    expect(info.bytesRead).toBeLessThanOrEqual(44);
    expect(info.problems).toEqual([]);
  });

  it('reports an incomplete header when the head ends before data', () => {
    const whole = buildWav({ chunks: [{ id: 'LIST', body: 5000 }, 'fmt', 'data'] });
    const info = inspectWavHead(whole.subarray(0, 4096), undefined);
    expect(info.complete).toBe(false);
    expect(info.problems.map((problem) => problem.code)).toEqual(['WAV_HEADER_INCOMPLETE']);
  });
});

describe('inspectWav', () => {
  it('reads a file by path, seeking over a large chunk body', async () => {
    const bytes = buildWav({
      chunks: [{ id: 'JUNK', body: 200_000 }, 'fmt', 'data', { id: 'LIST', body: 9 }],
      frames: 50_000,
    });
    const path = await writeTemp('big-junk.wav', bytes);
    const info = await inspectWav(path);
    expect(info).toEqual({ ...inspectWavBytes(bytes), bytesRead: info.bytesRead });
    expect(info.chunks.map((chunk) => chunk.id)).toEqual(['JUNK', 'fmt ', 'data', 'LIST']);
    expect(info.fileSize).toBe(bytes.length);
    // 64 KiB head, then only the small reads for the chunk headers and fmt body.
    expect(info.bytesRead).toBeLessThanOrEqual(65536 + 8 + 40 + 8 + 8);
  });

  it('reads a small file whole', async () => {
    const path = await writeTemp('small.wav', buildWav({ frames: 10 }));
    const info = await inspectWav(path);
    expect(info.bytesRead).toBe(64);
    expect(info.durationSeconds).toBe(10 / 8000);
  });

  it('throws WAV_READ_FAILED naming the path for a missing file', async () => {
    const missing = join(dir, 'missing.wav');
    const error = await inspectWav(missing).catch((e: unknown) => e);
    expect(isSiphookError(error, 'WAV_READ_FAILED')).toBe(true);
    expect((error as Error).message).toContain('missing.wav');
    expect((error as { details: { systemCode: string; source: string } }).details).toEqual({
      systemCode: 'ENOENT',
      source: missing,
    });
  });

  it('reads a FIFO as a stream, not by its size of 0', async () => {
    const fifo = join(dir, 'prompt.fifo');
    execFileSync('mkfifo', [fifo]);
    const wav = buildWav({ frames: 8000 });
    const writer = writeFile(fifo, wav).catch(() => {});
    const info = await inspectWav(fifo);
    await writer;
    expect(checkPlayable(info)).toEqual({ ok: true, problems: [] });
  });

  it('reads a device without a size (/dev/zero) no further than the stream bound', async () => {
    const info = await inspectWav('/dev/zero');
    expect(info.container).toBe('unknown');
    expect(checkPlayable(info).ok).toBe(false);
  });

  it('names a directory given as the file', async () => {
    await expect(inspectWav(dir)).rejects.toMatchObject({
      code: 'WAV_READ_FAILED',
      details: { systemCode: 'EISDIR' },
    });
  });

  it('reads a stream only until fmt and data are found, then destroys it', async () => {
    const header = buildWav({ frames: 0, dataSize: 10_000_000 });
    let produced = 0;
    let destroyed = false;
    const stream = new Readable({
      read() {
        if (produced === 0) this.push(header);
        else this.push(sawtooth(16384));
        produced++;
      },
      destroy(error, callback) {
        destroyed = true;
        callback(error);
      },
    });
    const info = await inspectWav(stream);
    expect(info.dataSize).toBe(10_000_000);
    expect(info.complete).toBe(false);
    expect(info.bytesRead).toBe(44);
    expect(destroyed).toBe(true);
  });

  it('skips chunk bodies in a stream without keeping them, and reads fmt after data', async () => {
    const bytes = buildWav({
      chunks: [{ id: 'JUNK', body: 100_000 }, 'data', 'fmt'],
      frames: 20_000,
    });
    async function* pieces() {
      for (let at = 0; at < bytes.length; at += 7001) yield bytes.subarray(at, at + 7001);
    }
    const info = await inspectWav(pieces(), { totalSize: bytes.length });
    expect(info.chunks.map((chunk) => chunk.id)).toEqual(['JUNK', 'data', 'fmt ']);
    expect(info.format?.sampleRate).toBe(8000);
    expect(info.fileSize).toBe(bytes.length);
  });

  it('stops a stream at maxBytes', async () => {
    const bytes = buildWav({ chunks: [{ id: 'JUNK', body: 300_000 }, 'fmt', 'data'] });
    const info = await inspectWav(Readable.from([bytes]), { maxBytes: 65536 });
    expect(info.bytesRead).toBe(65536);
    expect(info.problems.map((problem) => problem.code)).toEqual(['WAV_HEADER_INCOMPLETE']);
  });

  it('turns a stream error into WAV_READ_FAILED', async () => {
    async function* failing() {
      yield buildWav().subarray(0, 20);
      throw new Error('connection reset');
    }
    const error = await inspectWav(failing()).catch((e: unknown) => e);
    expect(isSiphookError(error, 'WAV_READ_FAILED')).toBe(true);
    expect((error as Error).message).toBe('cannot read the stream: connection reset');
  });

  it('refuses a stream with an encoding set', async () => {
    const stream = Readable.from([Buffer.from(buildWav())]).setEncoding('latin1');
    const error = await inspectWav(stream).catch((e: unknown) => e);
    expect(isSiphookError(error, 'WAV_SOURCE_INVALID')).toBe(true);
  });

  it('names non-WAV streams', async () => {
    const info = await inspectWav(Readable.from([NOT_WAV['ogg']!]));
    expect(info.detected).toBe('ogg');
  });

  it('refuses an unsupported source', async () => {
    const error = await inspectWav(42 as unknown as string).catch((e: unknown) => e);
    expect(isSiphookError(error, 'WAV_SOURCE_INVALID')).toBe(true);
  });
});

describe('a chunk with an odd size and no pad byte', () => {
  const bytes = buildWav({ chunks: [{ id: 'LIST', body: 13, pad: false }, 'fmt', 'data'] });

  it('is named, and the walk still finds fmt and data', async () => {
    const info = inspectWavBytes(bytes);
    expect(info.chunks.map((chunk) => [chunk.id, chunk.offset])).toEqual([
      ['LIST', 12],
      ['fmt ', 33],
      ['data', 57],
    ]);
    expect(info.format?.sampleRate).toBe(8000);
    expect(info.problems.map((problem) => problem.code)).toEqual(['WAV_CHUNK_UNPADDED']);
    expect(info.problems[0]?.message).toContain(
      '"LIST" at offset 12 has odd size 13 but no pad byte',
    );
  });

  it('reads the same through a file and a stream cut at the pad position', async () => {
    const fromFile = await inspectWav(await writeTemp('unpadded.wav', bytes));
    expect({ ...fromFile, bytesRead: 0 }).toEqual({ ...inspectWavBytes(bytes), bytesRead: 0 });
    // Split so the walk has to step back one byte across a piece boundary.
    const fromStream = await inspectWav(
      Readable.from([bytes.subarray(0, 33), bytes.subarray(33)]),
      {
        totalSize: bytes.length,
      },
    );
    expect(fromStream.chunks).toEqual(fromFile.chunks);
    expect(fromStream.problems).toEqual(fromFile.problems);
  });
});

describe('properties', () => {
  it('never throws on arbitrary bytes, and never reports a chunk outside them', () => {
    const riffStart = fc
      .uint8Array({ maxLength: 600 })
      .map((tail) =>
        concat([Uint8Array.from('RIFF\u00ff\u00ff\u00ff\u00ffWAVE', (c) => c.charCodeAt(0)), tail]),
      );
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), riffStart), (bytes) => {
        const info = inspectWavBytes(bytes);
        checkPlayable(info);
        expect(info.bytesRead).toBeLessThanOrEqual(bytes.length);
        for (const chunk of info.chunks) expect(chunk.offset + 8).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 500 },
    );
  });

  const extraChunk = fc.record({
    id: fc.constantFrom('LIST', 'JUNK', 'fact', 'bext', 'id3 ', 'cue '),
    body: fc.integer({ min: 0, max: 300 }),
  });
  const layout = fc.record({
    before: fc.array(extraChunk, { maxLength: 3 }),
    between: fc.array(extraChunk, { maxLength: 3 }),
    after: fc.array(extraChunk, { maxLength: 3 }),
    fmtFirst: fc.boolean(),
    channels: fc.integer({ min: 1, max: 2 }),
    sampleRate: fc.constantFrom(8000, 16000, 44100),
    bitsPerSample: fc.constantFrom(8, 16, 24),
    frames: fc.integer({ min: 0, max: 500 }),
    piece: fc.integer({ min: 1, max: 700 }),
  });

  it('agrees across bytes, file and stream, and passes exactly the canonical layouts', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(layout, async (spec) => {
        const order: ChunkSpec[] = spec.fmtFirst
          ? ['fmt', ...spec.between, 'data']
          : ['data', ...spec.between, 'fmt'];
        const bytes = buildWav({ ...spec, chunks: [...spec.before, ...order, ...spec.after] });
        const fromBytes = inspectWavBytes(bytes);
        const ids = [...spec.before, ...order, ...spec.after].map((chunk) =>
          typeof chunk === 'string' ? (chunk === 'fmt' ? 'fmt ' : 'data') : chunk.id,
        );
        expect(fromBytes.chunks.map((chunk) => chunk.id)).toEqual(ids);
        expect(fromBytes.format).toMatchObject({
          channels: spec.channels,
          sampleRate: spec.sampleRate,
          bitsPerSample: spec.bitsPerSample,
        });
        const canonical =
          spec.fmtFirst &&
          spec.channels === 1 &&
          spec.sampleRate === 8000 &&
          spec.bitsPerSample === 16 &&
          spec.frames > 0;
        expect(checkPlayable(fromBytes).ok).toBe(canonical);

        const fromFile = await inspectWav(await writeTemp(`layout-${run++}.wav`, bytes));
        expect({ ...fromFile, bytesRead: 0 }).toEqual({ ...fromBytes, bytesRead: 0 });

        const pieces = [];
        for (let at = 0; at < bytes.length; at += spec.piece)
          pieces.push(bytes.subarray(at, at + spec.piece));
        const fromStream = await inspectWav(Readable.from(pieces), { totalSize: bytes.length });
        const { chunks: _c, complete: _k, bytesRead: _b, ...streamRest } = fromStream;
        const { chunks: _c2, complete: _k2, bytesRead: _b2, ...bytesRest } = fromBytes;
        expect(streamRest).toEqual(bytesRest);
        expect(fromBytes.chunks.slice(0, fromStream.chunks.length)).toEqual(fromStream.chunks);
        expect(checkPlayable(fromStream)).toEqual(checkPlayable(fromBytes));
      }),
      { numRuns: 60 },
    );
  });
});
