import { describe, expect, it } from 'vitest';
import { buildWav, concat, NOT_WAV, type WavSpec } from '../test/wav-bytes.js';
import { checkPlayable } from './check-playable.js';
import { inspectWavBytes } from './inspect-wav.js';

const check = (spec: WavSpec) => checkPlayable(inspectWavBytes(buildWav(spec)));
const codes = (spec: WavSpec) => check(spec).problems.map((problem) => problem.code);

describe('checkPlayable', () => {
  it('accepts a canonical Play file', () => {
    expect(check({})).toEqual({ ok: true, problems: [] });
  });

  it('accepts LIST, JUNK, fact and odd-sized padded chunks anywhere', () => {
    const spec: WavSpec = {
      chunks: [
        { id: 'JUNK', body: 28 },
        'fmt',
        { id: 'fact', body: 4 },
        { id: 'LIST', body: 13 },
        'data',
        { id: 'LIST', body: 7 },
        { id: 'id3 ', body: 1 },
      ],
    };
    expect(check(spec)).toEqual({ ok: true, problems: [] });
  });

  it('accepts a fmt chunk of 18 bytes (cbSize 0)', () => {
    expect(check({ fmtSize: 18 }).ok).toBe(true);
  });

  it('names the sample rate with the expected value', () => {
    const result = check({ sampleRate: 44100 });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      {
        code: 'WAV_SAMPLE_RATE',
        message: 'sample rate is 44100 Hz; a Play file must be 8000 Hz',
        field: 'sample rate',
        received: '44100 Hz',
        expected: '8000 Hz',
      },
    ]);
  });

  it.each<[string, WavSpec, string[]]>([
    ['stereo', { channels: 2 }, ['WAV_CHANNELS']],
    ['8-bit', { bitsPerSample: 8 }, ['WAV_BITS']],
    ['24-bit', { bitsPerSample: 24 }, ['WAV_BITS']],
    ['32-bit float', { bitsPerSample: 32, tag: 3 }, ['WAV_FORMAT_TAG', 'WAV_BITS']],
    ['64-bit float', { bitsPerSample: 64, tag: 3 }, ['WAV_FORMAT_TAG', 'WAV_BITS']],
    ['A-law', { bitsPerSample: 8, tag: 6 }, ['WAV_FORMAT_TAG', 'WAV_BITS']],
    ['µ-law', { bitsPerSample: 8, tag: 7 }, ['WAV_FORMAT_TAG', 'WAV_BITS']],
    [
      '44.1 kHz stereo 16-bit',
      { sampleRate: 44100, channels: 2 },
      ['WAV_CHANNELS', 'WAV_SAMPLE_RATE'],
    ],
    ['EXTENSIBLE PCM', { extensible: { subformat: 1 } }, ['WAV_EXTENSIBLE']],
    ['wrong blockAlign', { blockAlign: 4, byteRate: 16000 }, ['WAV_BLOCK_ALIGN']],
    ['wrong byteRate', { byteRate: 8000 }, ['WAV_BYTE_RATE']],
    ['RIFX', { container: 'RIFX' }, ['WAV_RIFX']],
    ['RF64', { container: 'RF64' }, ['WAV_RF64']],
    ['form type AVI', { formType: 'AVI ' }, ['WAV_NOT_WAVE']],
    ['fmt after data', { chunks: ['data', 'fmt'] }, ['WAV_FMT_AFTER_DATA']],
    ['no fmt', { chunks: ['data'] }, ['WAV_NO_FMT']],
    ['no data', { chunks: ['fmt'] }, ['WAV_NO_DATA']],
    ['empty data', { frames: 0 }, ['WAV_EMPTY_DATA']],
    ['odd data size', { data: new Uint8Array(13) }, ['WAV_PARTIAL_FRAME']],
    ['truncated data', { frames: 1000, truncateTo: 44 + 1000 }, ['WAV_TRUNCATED']],
    ['4 GiB data size', { frames: 1000, dataSize: 0xffffffff }, ['WAV_TRUNCATED']],
    [
      'odd data size near 4 GiB',
      { frames: 1000, dataSize: 0xfffffffd },
      ['WAV_PARTIAL_FRAME', 'WAV_TRUNCATED'],
    ],
    ['short fmt', { fmtSize: 14 }, ['WAV_FMT_INVALID']],
  ])('refuses %s', (_name, spec, expected) => {
    const result = check(spec);
    expect(result.ok).toBe(false);
    expect(result.problems.map((problem) => problem.code)).toEqual(expected);
    for (const problem of result.problems) expect(problem.message.length).toBeGreaterThan(20);
  });

  it.each<[string, WavSpec, string]>([
    [
      'Microsoft ADPCM',
      { tag: 2, bitsPerSample: 4, blockAlign: 256, byteRate: 4096 },
      'format tag is 2 (Microsoft ADPCM); a Play file must be 1 (PCM); convert it with `siphook wav convert`',
    ],
    [
      'GSM 6.10',
      { tag: 49, bitsPerSample: 0, blockAlign: 65, byteRate: 1625 },
      'format tag is 49 (GSM 6.10); a Play file must be 1 (PCM); convert it with `siphook wav convert`',
    ],
    [
      'MP3 inside WAV',
      { tag: 85, bitsPerSample: 0, blockAlign: 1, byteRate: 4000 },
      'format tag is 85 (MPEG Layer 3); a Play file must be 1 (PCM); convert it with `siphook wav convert`',
    ],
  ])(
    'names the %s codec once, without PCM targets for its block size or bits',
    (_name, spec, message) => {
      expect(check(spec).problems).toEqual([
        expect.objectContaining({ code: 'WAV_FORMAT_TAG', message }),
      ]);
    },
  );

  it('calls EXTENSIBLE with float samples WAV_FORMAT_TAG, and names the float', () => {
    const result = check({ extensible: { subformat: 3 }, bitsPerSample: 32 });
    expect(result.problems.map((problem) => problem.code)).toEqual(['WAV_FORMAT_TAG', 'WAV_BITS']);
    expect(result.problems[0]?.message).toBe(
      'format tag is 0xFFFE (WAVE_FORMAT_EXTENSIBLE with IEEE float samples); a Play file must be 1 (PCM); convert it with `siphook wav convert`',
    );
  });

  it.each([
    // sox -B: the tag big-endian, the rest of the GUID as in a little-endian file.
    ['as sox writes it', [0, 1, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]],
    [
      'with Data1, Data2 and Data3 big-endian',
      [0, 0, 0, 1, 0, 0, 0, 0x10, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71],
    ],
  ])('reads a big-endian EXTENSIBLE GUID %s', (_name, guid) => {
    const file = buildWav({ container: 'RIFX', extensible: { subformat: 0 }, channels: 3 });
    file.set(guid, 20 + 24);
    const info = inspectWavBytes(file);
    expect(info.format?.subformat).toBe(1);
    expect(info.format?.subformatGuid).toBe('00000001-0000-0010-8000-00aa00389b71');
    expect(checkPlayable(info).problems.map((problem) => problem.code)).toEqual([
      'WAV_RIFX',
      'WAV_EXTENSIBLE',
      'WAV_CHANNELS',
    ]);
  });

  it('names a data size of 0 in front of real samples as a size never filled in', () => {
    const file = buildWav({ frames: 800, dataSize: 0 });
    expect(check({ frames: 800, dataSize: 0 }).problems).toEqual([
      {
        code: 'WAV_EMPTY_DATA',
        message:
          '"data" chunk declares 0 bytes, but 1600 bytes follow its header: the writer never filled in the size, and players read no audio; convert it with `siphook wav convert`',
        field: 'data size',
        received: '0 bytes declared, 1600 bytes follow',
        expected: 'the size of the samples',
      },
    ]);
    expect(file.length).toBe(44 + 1600);
  });

  it('names a binary chunk id before data as the cause, not a missing data chunk', () => {
    const spec: WavSpec = { chunks: ['fmt', { id: '\xde\xad\xbe\xef', body: 4 }, 'data'] };
    expect(check(spec).problems).toEqual([
      {
        code: 'WAV_CHUNK_INVALID',
        message:
          'chunk id at byte 36 is binary (bytes DE AD BE EF), not four printable ASCII characters; the chunk walk cannot go on past it, so the "data" chunk after it is not found (`siphook wav convert` may still decode the file with ffmpeg)',
        field: 'chunk id at byte 36',
        received: 'bytes DE AD BE EF',
        expected: 'four printable ASCII characters',
      },
    ]);
  });

  it('names more than 4096 chunks before data as the cause, not an incomplete header', () => {
    const junk = Array.from({ length: 5000 }, () => ({ id: 'JUNK', body: 0 }));
    const result = check({ chunks: ['fmt', ...junk, 'data'] });
    expect(result.problems.map((problem) => problem.code)).toEqual(['WAV_TOO_MANY_CHUNKS']);
    expect(result.problems[0]?.message).toBe(
      'more than 4096 chunks come before "data" (the walk stops there, at byte 32796); a Play file has "fmt " and "data" near the start, and `siphook wav convert` writes them so',
    );
  });

  it('says the converter fixes EXTENSIBLE', () => {
    const [problem] = check({ extensible: { subformat: 1 } }).problems;
    expect(problem?.message).toBe(
      'format tag is 0xFFFE (WAVE_FORMAT_EXTENSIBLE, subformat PCM); a Play file must use format tag 1 (PCM); convert it with `siphook wav convert` to rewrite the header',
    );
  });

  it('explains a truncated file with the numbers', () => {
    const [problem] = check({ frames: 1000, truncateTo: 1044 }).problems;
    expect(problem?.message).toBe(
      '"data" declares 2000 bytes from offset 44, but the file ends at byte 1044; the file is truncated or its header is wrong',
    );
  });

  it('names the placeholder size a streaming writer leaves', () => {
    const problem = check({ frames: 1000, dataSize: 0xffffffff }).problems.find(
      (found) => found.code === 'WAV_TRUNCATED',
    );
    expect(problem?.message).toContain('0xFFFFFFFF is the placeholder a streaming writer leaves');
  });

  it('still reports format problems of a RIFX or RF64 file', () => {
    expect(codes({ container: 'RIFX', sampleRate: 16000 })).toEqual([
      'WAV_RIFX',
      'WAV_SAMPLE_RATE',
    ]);
    expect(codes({ container: 'RF64', channels: 2 })).toEqual(['WAV_RF64', 'WAV_CHANNELS']);
  });

  it.each([
    [
      'mp3 (ID3)',
      'file is MP3 audio (ID3 tag), not RIFF/WAVE; a Play file must be a RIFF/WAVE file; convert it with `siphook wav convert`',
    ],
    [
      'mp3 (frame sync)',
      'file is MP3 audio (MPEG frame sync), not RIFF/WAVE; a Play file must be a RIFF/WAVE file; convert it with `siphook wav convert`',
    ],
    [
      'ogg',
      'file is Ogg audio (OggS page), not RIFF/WAVE; a Play file must be a RIFF/WAVE file; convert it with `siphook wav convert`',
    ],
    [
      'flac',
      'file is FLAC audio (fLaC marker), not RIFF/WAVE; a Play file must be a RIFF/WAVE file; convert it with `siphook wav convert`',
    ],
    [
      'mp4',
      'file is MP4/M4A media (ftyp brand "M4A "), not RIFF/WAVE; a Play file must be a RIFF/WAVE file; convert it with `siphook wav convert`',
    ],
    ['html', 'file is an HTML page, not RIFF/WAVE; a Play file must be a RIFF/WAVE file'],
    ['text', 'file is plain text, not RIFF/WAVE; a Play file must be a RIFF/WAVE file'],
    [
      'empty',
      'file is an empty file (0 bytes), not RIFF/WAVE; a Play file must be a RIFF/WAVE file',
    ],
  ])('names %s input', (name, message) => {
    const result = checkPlayable(inspectWavBytes(NOT_WAV[name]!));
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ code: 'WAV_NOT_RIFF', message })],
    });
  });

  it('does not claim missing data when only a head was read', () => {
    const whole = buildWav({ chunks: [{ id: 'LIST', body: 70_000 }, 'fmt', 'data'] });
    const result = checkPlayable(inspectWavBytes(whole.subarray(0, 65536), whole.length));
    expect(result.problems.map((problem) => problem.code)).toEqual(['WAV_HEADER_INCOMPLETE']);
    expect(result.problems[0]?.message).toBe(
      'the "data" chunk was not found in the bytes read (the next chunk header is at byte 70020, after "LIST" of 70000 bytes); a Play file keeps its header at the start, and `siphook wav convert` writes a 44-byte one',
    );
  });

  it('judges a hand-made WavInfo (no complete or bytesRead) by the same rule', () => {
    const info = {
      container: 'RIFF' as const,
      formType: 'WAVE',
      fileSize: 1044,
      format: {
        tag: 1,
        channels: 1,
        sampleRate: 8000,
        bitsPerSample: 16,
        byteRate: 16000,
        blockAlign: 2,
      },
      dataOffset: 44,
      dataSize: 1000,
      chunks: [
        { id: 'fmt ', offset: 12, size: 16 },
        { id: 'data', offset: 36, size: 1000 },
      ],
      problems: [],
    };
    expect(checkPlayable(info)).toEqual({ ok: true, problems: [] });
    const { dataOffset: _o, dataSize: _s, ...noData } = info;
    const codes = checkPlayable({ ...noData, chunks: info.chunks.slice(0, 1) }).problems.map(
      (p) => p.code,
    );
    expect(codes).toEqual(['WAV_NO_DATA']);
  });

  it('is not fooled by a trailing partial chunk header', () => {
    expect(
      checkPlayable(inspectWavBytes(concat([buildWav(), new Uint8Array([0x4c, 0x49])]))).ok,
    ).toBe(true);
  });
});
