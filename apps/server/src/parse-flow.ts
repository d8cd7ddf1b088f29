import {
  createIssue,
  formatPath,
  fromZodIssues,
  GATHER_DEFAULTS,
  type Issue,
  SiphookError,
  summarizeIssues,
} from '@siphook/schema';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Flow, FlowSchema, type StepInput } from './flow-schema.js';

/** A problem in a flow, with where it is in the file when the flow came from text. */
export interface FlowIssue extends Issue {
  /** 1-based line in the flow file, when known. */
  line?: number;
  /** 1-based column in the flow file, when known. */
  column?: number;
}

/** Where a flow came from, for messages: a file name, or `flow` for an object. */
export interface FlowSource {
  /** Shown before each issue, e.g. `flows/demo.yaml`. */
  name?: string;
}

const MAX_YAML_BYTES = 1024 * 1024;
const TERMINAL_STEPS = new Set(['hangup', 'reject', 'retry']);

/**
 * Parses and validates a flow file's text, YAML or JSON (JSON is read as YAML 1.2, so both get
 * line numbers in errors).
 *
 * @throws {SiphookError} `FLOW_INVALID` with `details.issues` ({@link FlowIssue}: path, expected,
 *   received, line, column).
 * @example
 * parseFlow('routes:\n  - actions: [hangup]\n') // { routes: [{ actions: ['hangup'] }] }
 */
export function parseFlow(text: string, source: FlowSource = {}): Flow {
  return parseFlowDocument(text, source).flow;
}

/** Finds the line and column of a path in a flow file (1-based), when it is there. */
export type LocateInFlow = (
  path: readonly PropertyKey[],
) => { line: number; column: number } | undefined;

/**
 * {@link parseFlow}, also returning how to find a path's line and column in the text, for checks
 * made after parsing (such as a `say:` whose engine is missing).
 *
 * @throws {SiphookError} `FLOW_INVALID`, as {@link parseFlow}.
 */
export function parseFlowDocument(
  text: string,
  source: FlowSource = {},
): { flow: Flow; locate: LocateInFlow } {
  const name = source.name ?? 'the flow';
  if (text.length > MAX_YAML_BYTES) {
    throw flowInvalid(name, [
      createIssue('FLOW_TOO_LARGE', '(root)', `at most ${MAX_YAML_BYTES} bytes`, text.length),
    ]);
  }
  const lineCounter = new LineCounter();
  // Aliases are allowed (handy to reuse a branch) but bounded so that a "billion laughs" file
  // cannot exhaust memory.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error): FlowIssue => {
      const pos = lineCounter.linePos(error.pos[0]);
      return {
        code: 'FLOW_SYNTAX',
        path: '(root)',
        expected: 'valid YAML or JSON',
        received: error.message.split('\n')[0] ?? error.code,
        message: `${name}:${pos.line}:${pos.col}: ${error.message.split('\n')[0]}`,
        line: pos.line,
        column: pos.col,
      };
    });
    throw flowInvalid(name, issues);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw flowInvalid(name, [
      createIssue('FLOW_SYNTAX', '(root)', 'valid YAML or JSON', (error as Error).message),
    ]);
  }
  const locate: LocateInFlow = (path) => {
    const node = nodeAt(doc.contents, path);
    if (node?.range == null) return undefined;
    const pos = lineCounter.linePos(node.range[0]);
    return { line: pos.line, column: pos.col };
  };
  return { flow: validateFlow(value, { name, locate }), locate };
}

/** Options of {@link validateFlow}: a name for messages and an optional way to find lines. */
export interface ValidateFlowOptions {
  name?: string;
  locate?: (path: readonly PropertyKey[]) => { line: number; column: number } | undefined;
}

/**
 * Validates a flow object: the schema, then the rules a schema cannot express (`retry` only in a
 * gather branch, nothing after an action that ends the call, branch digits within `maxDigits`).
 *
 * @throws {SiphookError} `FLOW_INVALID` with `details.issues`.
 */
export function validateFlow(value: unknown, options: ValidateFlowOptions = {}): Flow {
  const name = options.name ?? 'the flow';
  const result = FlowSchema.safeParse(value);
  const found: { issue: Issue; path: PropertyKey[] }[] = [];
  if (!result.success) {
    for (const zodIssue of result.error.issues) {
      found.push(...mapZodIssue(zodIssue, value));
    }
  } else {
    for (const [r, route] of result.data.routes.entries()) {
      checkSteps(route.actions, ['routes', r, 'actions'], false, found);
    }
  }
  if (found.length === 0 && result.success) return result.data;
  const issues = found.map(({ issue, path }): FlowIssue => {
    const where = options.locate?.(path);
    if (where === undefined) return issue;
    return {
      ...issue,
      ...where,
      message: `${name}:${where.line}:${where.column}: ${issue.message}`,
    };
  });
  throw flowInvalid(name, issues);
}

function mapZodIssue(
  issue: z.core.$ZodIssue,
  root: unknown,
): { issue: Issue; path: PropertyKey[] }[] {
  if (issue.code === 'invalid_key') {
    // A bad gather branch name: show the name, not the list under it.
    const key = issue.path.at(-1);
    return [
      {
        issue: createIssue('FIELD_INVALID', formatPath(issue.path), issue.message, key),
        path: [...issue.path],
      },
    ];
  }
  return fromZodIssues([issue], root).map((mapped) => ({
    issue: mapped,
    path: issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : [...issue.path],
  }));
}

function checkSteps(
  steps: readonly StepInput[],
  path: PropertyKey[],
  inBranch: boolean,
  found: { issue: Issue; path: PropertyKey[] }[],
): void {
  for (const [i, step] of steps.entries()) {
    const here = [...path, i];
    const previous = i > 0 ? steps[i - 1] : undefined;
    const ender = previous === undefined ? undefined : endsCall(previous);
    if (ender !== undefined) {
      found.push({
        issue: createIssue(
          'FLOW_UNREACHABLE',
          formatPath(here),
          `nothing after "${ender}" (it ends the call or the branch)`,
          step,
        ),
        path: here,
      });
    }
    if (step === 'retry' && !inBranch) {
      found.push({
        issue: createIssue(
          'FLOW_RETRY_OUTSIDE_GATHER',
          formatPath(here),
          '"retry" only inside a gather branch (it asks that gather again)',
          step,
        ),
        path: here,
      });
    }
    if (typeof step !== 'object') continue;
    if ('dial' in step && typeof step.dial === 'object' && !Array.isArray(step.dial)) {
      const hasNumbers = step.dial.numbers !== undefined;
      const hasVoicemail = step.dial.voicemail !== undefined;
      if (hasNumbers === hasVoicemail) {
        found.push({
          issue: createIssue(
            'FIELD_INVALID',
            formatPath([...here, 'dial']),
            'exactly one of numbers or voicemail',
            step.dial,
          ),
          path: [...here, 'dial'],
        });
      }
    }
    if ('gather' in step) {
      if (step.gather.play !== undefined && step.gather.say !== undefined) {
        found.push({
          issue: createIssue(
            'FIELD_INVALID',
            formatPath([...here, 'gather', 'say']),
            'either play or say in a gather, not both',
            step.gather.say.text,
          ),
          path: [...here, 'gather', 'say'],
        });
      }
      const maxDigits = step.gather.maxDigits ?? GATHER_DEFAULTS.maxDigits;
      for (const [key, branch] of Object.entries(step.gather.branches ?? {})) {
        const branchPath = [...here, 'gather', 'branches', key];
        if (key !== 'default' && key !== 'timeout' && key.length > maxDigits) {
          found.push({
            issue: createIssue(
              'FLOW_BRANCH_UNREACHABLE',
              formatPath(branchPath),
              `digits no longer than maxDigits (${maxDigits})`,
              key,
            ),
            path: branchPath,
          });
        }
        checkSteps(branch, branchPath, true, found);
      }
    }
  }
}

/** The name of the action when it ends the call (or hands back to a gather), else undefined. */
function endsCall(step: StepInput): string | undefined {
  if (typeof step === 'string') return TERMINAL_STEPS.has(step) ? step : undefined;
  if ('dial' in step) return 'dial';
  if ('reject' in step) return 'reject';
  return undefined;
}

function flowInvalid(name: string, issues: Issue[]): SiphookError {
  return new SiphookError('FLOW_INVALID', summarizeIssues(`${name} is not a valid flow:`, issues), {
    issues,
    flow: name,
  });
}

/** Walks the YAML tree along a zod path; map keys compare as text (`1:` and `"1":` alike). */
function nodeAt(root: unknown, path: readonly PropertyKey[]): Node | undefined {
  let current = root as Node | undefined;
  let lastGood = current;
  for (const segment of path) {
    if (isMap(current)) {
      const pair = current.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      // A missing key is reported where its map starts; an unknown key at the key itself.
      current = (pair?.value ?? pair?.key) as Node | undefined;
      if (pair !== undefined && pair.value == null) current = pair.key as Node;
    } else if (isSeq(current) && typeof segment === 'number') {
      current = current.items[segment] as Node | undefined;
    } else {
      current = undefined;
    }
    if (current === undefined || current === null) return lastGood;
    lastGood = current;
  }
  return current;
}
