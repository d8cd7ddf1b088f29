import {
  type ActionInput,
  type DtmfEvent,
  GATHER_DEFAULTS,
  type GatherAction,
  isHttpUrl,
  type NewCallEvent,
  type PlayAction,
  SiphookError,
} from '@siphook/schema';
import type { DialStepTarget, Flow, Match, SayInput, StepInput } from './flow-schema.js';

/** Where a call stands in its flow; kept in `call.state.flow` between pushes. */
export interface FlowPosition {
  /** Id of the gather whose dtmf push is awaited (its path in the flow, e.g. `routes[0].actions[0]`). */
  at: string;
  /** How often this gather was asked again because nothing was entered. */
  noInput: number;
}

/** The per-call state the runner reads and writes (the webhook's `call.state`). */
export type FlowState = Record<string, unknown> & { flow?: FlowPosition | undefined };

/** What a runner needs from the server: where prompts and dtmf pushes go. */
export interface FlowRunnerOptions {
  /** Public URL of a prompt file name (the audio host's `urlFor`). */
  promptUrl: (name: string) => string;
  /** Public URL of the prompt made from a `say:` (needed when the flow has one). */
  sayUrl?: (say: SayInput) => string;
  /**
   * Absolute URL the service posts a Gather's digits to. Left out, Gathers carry no `onData` and
   * `@siphook/webhook` fills it in from its `publicUrl`.
   */
  onData?: string;
  /** `onAnswer` and `onHangup` for every newCall response (left out: none, or the webhook's). */
  onAnswer?: string;
  onHangup?: string;
}

/** A Gather as the runner writes it: `onData` only when {@link FlowRunnerOptions.onData} is set. */
export type FlowGatherAction = Omit<GatherAction, 'onData'> & { onData?: string };

/** An action the runner answers with (the response model's, with an optional Gather `onData`). */
export type FlowAction = Exclude<ActionInput, { action: 'Gather' }> | FlowGatherAction;

/** A response the runner answers with; `@siphook/webhook` accepts it as a handler result. */
export interface FlowResponse {
  onAnswer?: string;
  onHangup?: string;
  actions: FlowAction[];
}

/**
 * Answers the pushes of a call by walking a flow. The responses are shared between calls and
 * deeply frozen: copy one before changing it.
 */
export interface FlowRunner {
  /** The response to a newCall: the first matching route's actions, up to its first gather. */
  newCall(event: NewCallEvent, state: FlowState): FlowResponse;
  /** The response to a dtmf push: the branch of the awaited gather for the digits. */
  dtmf(event: DtmfEvent, state: FlowState): FlowResponse;
  /** Name of the route a newCall would take, or undefined (for logs and tests). */
  routeFor(event: NewCallEvent): string | undefined;
}

interface Sequence {
  steps: Node[];
  /** The gather whose branch this is, so that the flow continues after it when the branch ends. */
  owner?: GatherNode;
  /** Walks made from this sequence, by start index. */
  walks?: Map<number, Walk>;
}

/** Where a walk through the flow ends: its response, and the gather it waits at (if any). */
interface Walk {
  response: FlowResponse;
  stop: GatherNode | undefined;
  /** The walk ended at a `retry`: the gather is asked again and keeps its no-input count. */
  retry: boolean;
}

type Node = { kind: 'action'; action: FlowAction; ends: boolean } | { kind: 'retry' } | GatherNode;

interface GatherNode {
  kind: 'gather';
  id: string;
  action: FlowGatherAction;
  retries: number;
  branches: Map<string, Sequence>;
  otherDigits?: Sequence;
  noDigits?: Sequence;
  /** The sequence holding this gather and its index there. */
  parent: Sequence;
  index: number;
  /** The response that asks this gather again (made on first use). */
  again?: FlowResponse;
}

interface CompiledRoute {
  name: string;
  matches: (event: NewCallEvent) => boolean;
  body: Sequence;
}

/**
 * Compiles a validated flow into a runner. Everything that does not depend on the call (URLs,
 * action objects, match predicates) is built here once, so a push only walks and copies a list.
 *
 * A gather ends a response (the call waits for digits); its dtmf push continues in the branch for
 * the digits (`default` for other digits, `timeout` for none, after `retries` repeats). When a
 * branch runs out of actions, the flow continues after the gather. dial, reject and hangup end
 * the call; `retry` asks the enclosing gather again.
 */
export function createFlowRunner(flow: Flow, options: FlowRunnerOptions): FlowRunner {
  const gathers = new Map<string, GatherNode>();
  const compileSequence = (steps: readonly StepInput[], path: string, owner?: GatherNode) => {
    const sequence: Sequence = { steps: [] };
    if (owner !== undefined) sequence.owner = owner;
    for (const [i, step] of steps.entries()) {
      sequence.steps.push(compileStep(step, `${path}[${i}]`, sequence, i));
    }
    return sequence;
  };
  const playOf = (prompt: string): PlayAction => ({
    action: 'Play',
    url: isHttpUrl(prompt) ? prompt : options.promptUrl(prompt),
  });
  const sayOf = (say: SayInput): PlayAction => {
    if (options.sayUrl === undefined)
      throw new SiphookError('FLOW_INVALID', 'the flow has say: steps, but no sayUrl was given');
    return { action: 'Play', url: options.sayUrl(say) };
  };
  const compileStep = (step: StepInput, id: string, parent: Sequence, index: number): Node => {
    if (step === 'retry') return { kind: 'retry' };
    if (step === 'hangup') return { kind: 'action', action: { action: 'Hangup' }, ends: true };
    if (step === 'reject') {
      return { kind: 'action', action: { action: 'Reject', reason: 'rejected' }, ends: true };
    }
    if ('play' in step) return { kind: 'action', action: playOf(step.play), ends: false };
    if ('say' in step) return { kind: 'action', action: sayOf(step.say), ends: false };
    if ('reject' in step) {
      return { kind: 'action', action: { action: 'Reject', reason: step.reject }, ends: true };
    }
    if ('dial' in step) return { kind: 'action', action: dialOf(step.dial), ends: true };
    const options_ = step.gather;
    const action: FlowGatherAction = {
      action: 'Gather',
      type: GATHER_DEFAULTS.type,
      maxDigits: options_.maxDigits ?? GATHER_DEFAULTS.maxDigits,
      timeout: options_.timeout ?? GATHER_DEFAULTS.timeout,
    };
    if (options.onData !== undefined) action.onData = options.onData;
    if (options_.play !== undefined) action.play = playOf(options_.play);
    if (options_.say !== undefined) action.play = sayOf(options_.say);
    const node: GatherNode = {
      kind: 'gather',
      id,
      action,
      retries: options_.retries ?? 0,
      branches: new Map(),
      parent,
      index,
    };
    gathers.set(id, node);
    for (const [key, steps] of Object.entries(options_.branches ?? {})) {
      const branch = compileSequence(steps, `${id}.gather.branches.${key}`, node);
      if (key === 'default') node.otherDigits = branch;
      else if (key === 'timeout') node.noDigits = branch;
      else node.branches.set(key, branch);
    }
    return node;
  };
  const routes: CompiledRoute[] = flow.routes.map((route, r) => ({
    name: route.name ?? `routes[${r}]`,
    matches: compileMatch(route.match),
    body: compileSequence(route.actions, `routes[${r}].actions`),
  }));

  const { onAnswer, onHangup } = options;
  const withCallbacks = (actions: readonly FlowAction[]): FlowResponse => {
    const response: FlowResponse = { actions: actions as FlowAction[] };
    if (onAnswer !== undefined) response.onAnswer = onAnswer;
    if (onHangup !== undefined) response.onHangup = onHangup;
    return deepFreeze(response);
  };

  /**
   * Walks a sequence from `start`, collecting actions until something waits or ends the call. The
   * actions depend only on where the walk starts, never on the call, so each walk is done once and
   * its frozen response shared (the webhook then encodes a frozen response only once, too).
   */
  const walk = (sequence: Sequence, start: number): Walk => {
    sequence.walks ??= new Map();
    let known = sequence.walks.get(start);
    if (known !== undefined) return known;
    const actions: FlowAction[] = [];
    let current: Sequence | undefined = sequence;
    let index = start;
    let stop: GatherNode | undefined;
    let retry = false;
    while (current !== undefined) {
      const node: Node | undefined = current.steps[index];
      if (node === undefined) {
        // The branch is done: carry on after the gather that owns it.
        const owner: GatherNode | undefined = current.owner;
        current = owner?.parent;
        index = owner === undefined ? 0 : owner.index + 1;
        continue;
      }
      if (node.kind === 'action') {
        actions.push(node.action);
        if (node.ends) break;
        index++;
        continue;
      }
      stop = node.kind === 'gather' ? node : current.owner!;
      retry = node.kind === 'retry';
      actions.push(stop.action);
      break;
    }
    known = { response: deepFreeze({ actions }), stop, retry };
    sequence.walks.set(start, known);
    return known;
  };

  /** Runs a walk for a call: the call now waits at the walk's gather, or nowhere. */
  const run = (sequence: Sequence, start: number, state: FlowState): Walk => {
    const done = walk(sequence, start);
    if (done.stop === undefined) state.flow = undefined;
    else {
      const noInput = done.retry ? (state.flow?.noInput ?? 0) : 0;
      state.flow = { at: done.stop.id, noInput };
    }
    return done;
  };

  const noRoute = withCallbacks([]);
  const nothing: FlowResponse = deepFreeze({ actions: [] });
  const newCallResponses = new Map<Walk, FlowResponse>();

  return {
    newCall(event, state) {
      for (const route of routes) {
        if (!route.matches(event)) continue;
        const done = run(route.body, 0, state);
        let response = newCallResponses.get(done);
        if (response === undefined) {
          response = withCallbacks(done.response.actions);
          newCallResponses.set(done, response);
        }
        return response;
      }
      state.flow = undefined;
      return noRoute;
    },
    dtmf(event, state) {
      const position = state.flow;
      const gather = position === undefined ? undefined : gathers.get(position.at);
      if (position === undefined || gather === undefined) return nothing;
      const digits = event.dtmf;
      let branch: Sequence | undefined;
      if (digits === '') {
        if (position.noInput < gather.retries) {
          state.flow = { at: gather.id, noInput: position.noInput + 1 };
          gather.again ??= deepFreeze({ actions: [gather.action] });
          return gather.again;
        }
        branch = gather.noDigits ?? gather.otherDigits;
      } else {
        branch = gather.branches.get(digits) ?? gather.otherDigits;
      }
      if (branch === undefined) return run(gather.parent, gather.index + 1, state).response;
      return run(branch, 0, state).response;
    },
    routeFor(event) {
      return routes.find((route) => route.matches(event))?.name;
    },
  };
}

/** Freezes a response and everything in it (plain objects and arrays only). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

function dialOf(dial: DialStepTarget): FlowAction {
  if (dial === 'voicemail') return { action: 'Dial', target: { voicemail: true } };
  if (typeof dial === 'string') return { action: 'Dial', target: { numbers: [dial] } };
  if (Array.isArray(dial)) return { action: 'Dial', target: { numbers: [...dial] } };
  const action: Extract<FlowAction, { action: 'Dial' }> = {
    action: 'Dial',
    target:
      dial.voicemail === true
        ? { voicemail: true }
        : {
            numbers: typeof dial.numbers === 'string' ? [dial.numbers] : [...(dial.numbers ?? [])],
          },
  };
  if (dial.callerId !== undefined) action.callerId = dial.callerId;
  if (dial.anonymous !== undefined) action.anonymous = dial.anonymous;
  return action;
}

/** Builds the predicate of a route's `match`; a field left out matches anything. */
function compileMatch(match: Match | undefined): (event: NewCallEvent) => boolean {
  if (match === undefined) return () => true;
  const to = compilePatterns(match.to);
  const from = compilePatterns(match.from);
  const direction = match.direction;
  return (event) =>
    (direction === undefined || event.direction === direction) && to(event.to) && from(event.from);
}

function compilePatterns(patterns: string | string[] | undefined): (value: string) => boolean {
  if (patterns === undefined) return () => true;
  const tests = (Array.isArray(patterns) ? patterns : [patterns]).map(
    (pattern): ((value: string) => boolean) => {
      if (pattern === '*') return () => true;
      if (pattern.endsWith('*')) {
        const prefix = pattern.slice(0, -1);
        return (value) => value.startsWith(prefix);
      }
      return (value) => value === pattern;
    },
  );
  return (value) => tests.some((test) => test(value));
}
