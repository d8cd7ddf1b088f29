export { checkPlayable, PLAY_FORMAT, type PlayableResult } from './check-playable.js';
export { type CheckUrlOptions, type CheckUrlResult, checkUrl } from './check-url.js';
export { type DetectedFormat, detectFormat } from './detect-format.js';
export {
  type InspectWavOptions,
  inspectWav,
  inspectWavBytes,
  inspectWavHead,
  type WavSource,
} from './inspect-wav.js';
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
