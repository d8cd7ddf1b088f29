import { describeRuntime } from './runtime-contract.js';

describeRuntime('workerd');
