export type { AudioHostLogger, AudioHostOptions, IngestSummary } from './audio-host-options.js';
export { type AudioHost, createAudioHost, type UrlForOptions } from './create-audio-host.js';
export type { PromptEntry, RefusedFile } from './ingest-root.js';
