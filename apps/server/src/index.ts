export {
  createFlowRunner,
  type FlowPosition,
  type FlowRunner,
  type FlowRunnerOptions,
  type FlowState,
} from './flow-runner.js';
export {
  type DialInput,
  type Flow,
  type FlowInput,
  FlowSchema,
  type GatherInput,
  type Match,
  type Route,
  type StepInput,
} from './flow-schema.js';
export { DEMO_FLOW_FILE, type LoadedFlow, loadFlow } from './load-flow.js';
export {
  type FlowIssue,
  type FlowSource,
  parseFlow,
  type ValidateFlowOptions,
  validateFlow,
} from './parse-flow.js';
