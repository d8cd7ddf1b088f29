export { createServer, type SiphookServer } from './create-server.js';
export {
  createFlowRunner,
  type FlowAction,
  type FlowGatherAction,
  type FlowPosition,
  type FlowResponse,
  type FlowRunner,
  type FlowRunnerOptions,
  type FlowState,
} from './flow-runner.js';
export {
  type DialStepTarget,
  type Flow,
  type FlowInput,
  FlowSchema,
  type GatherStepOptions,
  type Match,
  type Route,
  type SayInput,
  SayInputSchema,
  type StepInput,
} from './flow-schema.js';
export { describeServer, formatBanner, type StartupInfo } from './format-banner.js';
export { DEMO_FLOW_FILE, type FlowSay, type LoadedFlow, loadFlow } from './load-flow.js';
export {
  type FlowIssue,
  type FlowSource,
  type LocateInFlow,
  parseFlow,
  parseFlowDocument,
  type ValidateFlowOptions,
  validateFlow,
} from './parse-flow.js';
export {
  isManifestPath,
  type PromptManifest,
  PromptManifestSchema,
  parsePromptManifest,
  readPromptManifest,
} from './prompt-manifest.js';
export {
  type BasicAuthCredentials,
  LOG_LEVELS,
  parseBasicAuth,
  type ResolvedServerConfig,
  resolveServerConfig,
  type ServerConfig,
} from './server-config.js';
