export { checkPlayable, PLAY_FORMAT, type PlayableResult } from './check-playable.js';
export { type CheckUrlOptions, type CheckUrlResult, checkUrl } from './check-url.js';
export {
  type ConvertOptions,
  type ConvertResult,
  convertToPlayable,
} from './convert-to-playable.js';
export { type DetectedFormat, detectFormat } from './detect-format.js';
export { FFMPEG_PLAY_OPTIONS, findFfmpeg } from './ffmpeg.js';
export {
  type InspectWavOptions,
  inspectWav,
  inspectWavBytes,
  inspectWavHead,
  type WavSource,
} from './inspect-wav.js';
export {
  createPlayResampler,
  designPolyphaseFilter,
  type LowPassSpec,
  PLAY_LOW_PASS,
  type PolyphaseFilter,
  planPlayResampling,
  type Resampler,
} from './resample.js';
export {
  describeFormat,
  describeFormatTag,
  FORMAT_TAG_NAMES,
  type WavChunk,
  type WavContainer,
  type WavFormat,
  type WavInfo,
  type WavProblem,
} from './wav-info.js';
export {
  CANONICAL_HEADER_BYTES,
  encodeCanonicalHeader,
  encodePcmHeader,
  type PcmHeaderFormat,
} from './write-wav.js';
