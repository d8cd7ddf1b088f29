export type {
  CallOutcome,
  CallReport,
  Check,
  RunReport,
  Step,
  StepKind,
} from './call-report.js';
export { formatJunit } from './format-junit.js';
export {
  formatCallHeader,
  formatCallSummary,
  formatCallTranscript,
  formatRunSummary,
  formatRunTranscript,
  formatStep,
} from './format-transcript.js';
export { PROBE_LARGE_BODY_BYTES, type ProbeOptions, probeServer } from './probe-server.js';
export {
  createPushClient,
  PUSH_HEADERS,
  type PushClient,
  type PushClientOptions,
  type PushErrorCode,
  type PushResult,
  type SimulatedPush,
} from './push-client.js';
export { type RunOptions, runSimulation } from './run-simulation.js';
export {
  type Expectation,
  ExpectationSchema,
  loadScenarioFile,
  MAX_SCENARIO_FILE_BYTES,
  parseScenario,
  parseScenarioFile,
  type Scenario,
  type ScenarioInput,
  ScenarioSchema,
} from './scenario.js';
export {
  generateTestKeyPair,
  loadPrivateKey,
  SIGNATURE_HEADER,
  signBody,
  type TestKeyPair,
} from './sign-body.js';
export { REJECT_CAUSES, simulateCall } from './simulate-call.js';
export {
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_STEPS,
  DEFAULT_TIMEOUT_MS,
  type SimulateOptions,
} from './simulate-options.js';
export { type PushTarget, toPushTarget } from './target-url.js';
export {
  KEY_FILE_NAMES,
  type WrittenKeyPair,
  writeFileAtomic,
  writeTestKeyPair,
} from './write-key-pair.js';
