export { parseCommandTemplate } from './command-engine.js';
export { ESPEAK_NG_INSTALL_HINT, findEspeakNg } from './espeak-ng-engine.js';
export {
  DEFAULT_TIMEOUT_MS,
  PROMPT_LEVEL,
  type SynthesizeOptions,
  type SynthesizeResult,
  synthesize,
} from './synthesize.js';
export {
  type CachedPrompt,
  type SynthesizeCachedOptions,
  synthesisKey,
  synthesizeCached,
} from './synthesize-cached.js';
export {
  ENGINE_NAMES,
  type EngineName,
  type EngineSpec,
  EngineSpecSchema,
  isTtsEngine,
  resolveEngine,
  type SpeakRequest,
  type TtsEngine,
} from './tts-engine.js';
export {
  checkTtsText,
  checkVoice,
  DEFAULT_VOICE,
  MAX_TTS_TEXT_LENGTH,
  TtsTextSchema,
  VoiceSchema,
} from './tts-text.js';
