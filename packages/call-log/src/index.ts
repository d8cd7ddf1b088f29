export type {
  CallLogChanges,
  CallLogReader,
  CallLogStore,
  MaybePromise,
} from './call-log-store.js';
export {
  type CallDetail,
  CallDetailSchema,
  type CallLogOutcome,
  CallLogOutcomeSchema,
  type CallPage,
  CallPageSchema,
  type CallProblem,
  CallProblemSchema,
  type CallQuery,
  type CallQueryInput,
  CallQuerySchema,
  type CallSummary,
  CallSummarySchema,
  type CallView,
  CallViewSchema,
  CheckVerdictSchema,
  type InspectedPush,
  InspectedPushSchema,
  MAX_PAGE_SIZE,
  type PushRecord,
  type PushRecordInput,
  PushRecordInputSchema,
  PushRecordSchema,
  type Waveform,
  WaveformSchema,
} from './call-record.js';
export { type CallLog, type CallLogOptions, createCallLog } from './create-call-log.js';
export { createInspector, type Inspector, type InspectorOptions } from './create-inspector.js';
export { exportScenario } from './export-scenario.js';
export { createNumberHasher, hashRecordNumbers, type NumberHasher } from './hash-numbers.js';
export {
  createInspectAuthCheck,
  INSPECT_TOKEN_COOKIE,
  type InspectAuth,
  type InspectAuthCheck,
  isLoopbackHost,
  parseInspectAuth,
  requireInspectAuth,
} from './inspect-auth.js';
export { inspectorListener } from './inspector-listener.js';
export {
  type CallLogFile,
  type CallLogFileOptions,
  DEFAULT_RETENTION_MS,
  openCallLogFile,
} from './open-call-log-file.js';
export { parseRetention } from './parse-retention.js';
export { decodePushRecord, toPushRecord } from './push-exchange.js';
export { type ReadWaveformOptions, readWaveform } from './read-waveform.js';
export {
  type InspectorServer,
  type ServeInspectorOptions,
  serveInspector,
} from './serve-inspector.js';
export {
  ANSWER_DEADLINE_MS,
  addToSummary,
  analyzePush,
  inspectCall,
  type PushAnalysis,
  type SummarizedPush,
  summarizeCall,
} from './summarize-call.js';
