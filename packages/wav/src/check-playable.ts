import { describeFormatTag, type WavInfo, type WavProblem } from './wav-info.js';

/** The verdict of {@link checkPlayable}. */
export interface PlayableResult {
  /** True when sipgate.io will play the file. */
  ok: boolean;
  /** Every rule the file breaks; empty when `ok`. */
  problems: WavProblem[];
}

/** What sipgate.io plays: RIFF/WAVE, PCM (format tag 1), 1 channel, 8000 Hz, 16 bits. */
export const PLAY_FORMAT = Object.freeze({
  tag: 1,
  channels: 1,
  sampleRate: 8000,
  bitsPerSample: 16,
  blockAlign: 2,
  byteRate: 16000,
});

const PLACEHOLDER_SIZE = 0xffffffff;
const CONVERT_HINT = 'convert it with `siphook wav convert`';

/**
 * Applies the one exact rule for a sipgate.io Play file to what {@link inspectWav} found:
 * little-endian RIFF with form type WAVE (RIFX and RF64 refused), `fmt ` before `data`, format
 * tag 1 (WAVE_FORMAT_EXTENSIBLE is not accepted), 1 channel, 8000 Hz, 16 bits, a blockAlign and
 * byteRate that agree with them, and non-empty data made of whole frames that lies within the file.
 * Extra chunks (LIST, JUNK, fact, odd-sized and padded) are fine.
 *
 * @example
 * checkPlayable(await inspectWav('music.wav'))
 * // { ok: false, problems: [{ code: 'WAV_SAMPLE_RATE', message: 'sample rate is 44100 Hz; a Play file must be 8000 Hz', ... }] }
 */
export function checkPlayable(info: WavInfo): PlayableResult {
  const problems: WavProblem[] = [];
  const add = (problem: WavProblem) => {
    if (!problems.some((known) => known.code === problem.code)) problems.push(problem);
  };
  checkContainer(info, add);
  if (info.container !== 'unknown' && info.formType === 'WAVE') {
    checkChunkOrder(info, add);
    checkFormat(info, add);
    checkData(info, add);
  }
  for (const problem of info.problems) add(problem);
  return { ok: problems.length === 0, problems };
}

type Add = (problem: WavProblem) => void;

function checkContainer(info: WavInfo, add: Add): void {
  if (info.container === 'unknown') {
    if (info.detected !== undefined) {
      // The walk words this one, since only it saw the bytes.
      const walked = info.problems.find((problem) => problem.code === 'WAV_NOT_RIFF');
      add(
        walked ?? {
          code: 'WAV_NOT_RIFF',
          message: `file is ${info.detected}, not RIFF/WAVE; a Play file must be a RIFF/WAVE file`,
          field: 'container',
          received: info.detected,
          expected: 'RIFF/WAVE',
        },
      );
    }
    return;
  }
  if (info.container === 'RIFX') {
    add({
      code: 'WAV_RIFX',
      message: `container is RIFX (big-endian); a Play file must be little-endian RIFF; ${CONVERT_HINT}`,
      field: 'container',
      received: 'RIFX (big-endian)',
      expected: 'RIFF (little-endian)',
    });
  } else if (info.container === 'RF64') {
    add({
      code: 'WAV_RF64',
      message: `container is RF64 (64-bit sizes); a Play file must be plain RIFF; ${CONVERT_HINT}`,
      field: 'container',
      received: 'RF64',
      expected: 'RIFF',
    });
  }
  if (info.formType !== undefined && info.formType !== 'WAVE') {
    add({
      code: 'WAV_NOT_WAVE',
      message: `RIFF form type is ${JSON.stringify(info.formType)}; a Play file must be "WAVE"`,
      field: 'RIFF form type',
      received: JSON.stringify(info.formType),
      expected: '"WAVE"',
    });
  }
}

function checkChunkOrder(info: WavInfo, add: Add): void {
  const fmtIndex = info.chunks.findIndex((chunk) => chunk.id === 'fmt ');
  const dataIndex = info.chunks.findIndex((chunk) => chunk.id === 'data');
  const complete = info.complete !== false;
  if (fmtIndex >= 0 && dataIndex >= 0 && fmtIndex > dataIndex) {
    add({
      code: 'WAV_FMT_AFTER_DATA',
      message: `"fmt " chunk (offset ${info.chunks[fmtIndex]!.offset}) comes after "data" (offset ${info.chunks[dataIndex]!.offset}); a Play file must have "fmt " first`,
      field: 'chunk order',
      received: '"data" before "fmt "',
      expected: '"fmt " before "data"',
    });
  } else if (fmtIndex < 0 && (dataIndex >= 0 || complete)) {
    const where = complete ? 'in the file' : 'before "data"';
    add({
      code: 'WAV_NO_FMT',
      message: `no "fmt " chunk ${where}; a Play file must describe its format before the audio`,
      field: '"fmt " chunk',
      received: 'none',
      expected: 'a "fmt " chunk before "data"',
    });
  }
  if (dataIndex < 0 && complete) {
    add({
      code: 'WAV_NO_DATA',
      message: 'no "data" chunk in the file; a Play file must hold audio',
      field: '"data" chunk',
      received: 'none',
      expected: 'a "data" chunk',
    });
  }
}

/** Sample formats whose fields (bits, blockAlign, byteRate) follow the linear PCM rules. */
const LINEAR_TAGS = new Set([1, 3, 6, 7]);

function checkFormat(info: WavInfo, add: Add): void {
  const format = info.format;
  if (format === undefined) return;
  // The samples' own format tag: for EXTENSIBLE, the one its SubFormat GUID carries.
  const sampleTag = format.tag === 0xfffe ? format.subformat : format.tag;
  if (format.tag === 0xfffe && sampleTag === PLAY_FORMAT.tag) {
    add({
      code: 'WAV_EXTENSIBLE',
      message: `format tag is 0xFFFE (WAVE_FORMAT_EXTENSIBLE, subformat PCM); a Play file must use format tag 1 (PCM); ${CONVERT_HINT} to rewrite the header`,
      field: 'format tag',
      received: '0xFFFE (WAVE_FORMAT_EXTENSIBLE, subformat PCM)',
      expected: '1 (PCM)',
    });
  } else if (sampleTag !== PLAY_FORMAT.tag) {
    const codec =
      format.tag !== 0xfffe
        ? `${format.tag} (${describeFormatTag(format.tag)})`
        : `0xFFFE (WAVE_FORMAT_EXTENSIBLE with ${sampleTag === undefined ? `subformat ${format.subformatGuid ?? 'missing'}` : `${describeFormatTag(sampleTag)} samples`})`;
    add({
      code: 'WAV_FORMAT_TAG',
      message: `format tag is ${codec}; a Play file must be 1 (PCM); ${CONVERT_HINT}`,
      field: 'format tag',
      received: codec,
      expected: '1 (PCM)',
    });
  }
  // A compressed codec (ADPCM, GSM, MP3 inside WAV…) has its own bits, blockAlign and byteRate:
  // measured against PCM's rules they would only add nonsense such as "blockAlign 65, expected 0".
  const linear = sampleTag !== undefined && LINEAR_TAGS.has(sampleTag);
  if (format.channels !== PLAY_FORMAT.channels) {
    add({
      code: 'WAV_CHANNELS',
      message: `channel count is ${format.channels}; a Play file must be mono (1 channel)`,
      field: 'channels',
      received: String(format.channels),
      expected: '1',
    });
  }
  if (format.sampleRate !== PLAY_FORMAT.sampleRate) {
    add({
      code: 'WAV_SAMPLE_RATE',
      message: `sample rate is ${format.sampleRate} Hz; a Play file must be 8000 Hz`,
      field: 'sample rate',
      received: `${format.sampleRate} Hz`,
      expected: '8000 Hz',
    });
  }
  if (!linear) return;
  if (format.bitsPerSample !== PLAY_FORMAT.bitsPerSample) {
    add({
      code: 'WAV_BITS',
      message: `bits per sample is ${format.bitsPerSample}; a Play file must be 16`,
      field: 'bits per sample',
      received: String(format.bitsPerSample),
      expected: '16',
    });
  }
  // Checked against the file's own channels and bits, so a stereo 44.1 kHz file is not also blamed
  // for a byte rate that is right for it; for a file that passes the checks above this is 2 and 16000.
  const blockAlign = format.channels * Math.ceil(format.bitsPerSample / 8);
  if (format.blockAlign !== blockAlign) {
    add({
      code: 'WAV_BLOCK_ALIGN',
      message: `blockAlign is ${format.blockAlign}; ${format.channels} channel(s) of ${format.bitsPerSample} bits need ${blockAlign}`,
      field: 'blockAlign',
      received: String(format.blockAlign),
      expected: String(blockAlign),
    });
  }
  const byteRate = format.sampleRate * blockAlign;
  if (format.byteRate !== byteRate) {
    add({
      code: 'WAV_BYTE_RATE',
      message: `byteRate is ${format.byteRate}; ${format.sampleRate} Hz × ${blockAlign}-byte frames need ${byteRate}`,
      field: 'byteRate',
      received: String(format.byteRate),
      expected: String(byteRate),
    });
  }
}

function checkData(info: WavInfo, add: Add): void {
  const { dataOffset, dataSize, fileSize, format } = info;
  if (dataOffset === undefined || dataSize === undefined) return;
  if (dataSize === 0) {
    // A writer that never went back to fill in the size leaves 0 before the samples. Only a
    // walk that went to the end knows that nothing else (a LIST, say) follows the data header.
    const following =
      fileSize !== undefined && info.complete !== false && info.chunks.at(-1)?.id === 'data'
        ? fileSize - dataOffset
        : 0;
    add({
      code: 'WAV_EMPTY_DATA',
      message:
        following > 0
          ? `"data" chunk declares 0 bytes, but ${following} bytes follow its header: the writer never filled in the size, and players read no audio; ${CONVERT_HINT}`
          : '"data" chunk is empty (0 bytes); a Play file must hold audio',
      field: 'data size',
      received: following > 0 ? `0 bytes declared, ${following} bytes follow` : '0 bytes',
      expected: 'the size of the samples',
    });
    return;
  }
  const placeholder = dataSize === PLACEHOLDER_SIZE;
  if (placeholder && fileSize === undefined) {
    add({
      code: 'WAV_DATA_SIZE_UNKNOWN',
      message:
        '"data" size is 0xFFFFFFFF, the placeholder a streaming writer leaves; a Play file must declare its real size',
      field: 'data size',
      received: '0xFFFFFFFF (placeholder)',
      expected: 'the real size in bytes',
    });
  }
  const frameBytes = format !== undefined && format.blockAlign > 0 ? format.blockAlign : undefined;
  if (frameBytes !== undefined && !placeholder && dataSize % frameBytes !== 0) {
    add({
      code: 'WAV_PARTIAL_FRAME',
      message: `"data" is ${dataSize} bytes, not a whole number of ${frameBytes}-byte frames; the last frame is cut`,
      field: 'data size',
      received: `${dataSize} bytes`,
      expected: `a multiple of ${frameBytes} bytes`,
    });
  }
  if (fileSize !== undefined && dataOffset + dataSize > fileSize) {
    const note = placeholder ? ' (0xFFFFFFFF is the placeholder a streaming writer leaves)' : '';
    add({
      code: 'WAV_TRUNCATED',
      message: `"data" declares ${dataSize} bytes from offset ${dataOffset}${note}, but the file ends at byte ${fileSize}; the file is truncated or its header is wrong`,
      field: 'truncated data',
      received: `${Math.max(0, fileSize - dataOffset)} bytes present`,
      expected: `${dataSize} bytes`,
    });
  }
}
