import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createIssue,
  formatPath,
  type Issue,
  isHttpUrl,
  SiphookError,
  summarizeIssues,
} from '@siphook/schema';
import type { Flow, FlowInput, SayInput, StepInput } from './flow-schema.js';
import { type LocateInFlow, parseFlowDocument, validateFlow } from './parse-flow.js';
import { isManifestPath, type PromptManifest, readPromptManifest } from './prompt-manifest.js';

/** The bundled demo flow: "Welcome to siphook. Press 1 to be connected, press 2 for the voicemail." */
export const DEMO_FLOW_FILE: string = fileURLToPath(new URL('../flows/demo.yaml', import.meta.url));

/** A validated flow with its prompts folder resolved and every prompt it names found on disk. */
export interface LoadedFlow {
  flow: Flow;
  /** The flow file, when it came from one. */
  file?: string;
  /** Absolute folder the prompt names are resolved against (served under `/audio/`). */
  promptsDir: string;
  /** Every prompt file name the flow uses, once each, in order of first use. */
  prompts: string[];
  /** Every `say:` of the flow, in order, with where it is (synthesised by the server at start-up). */
  says: FlowSay[];
  /** When `prompts:` names a manifest (`siphook wav publish`): prompt name → public URL. */
  manifest?: PromptManifest;
}

/** One `say:` of a flow and where it stands, for messages that point at it. */
export interface FlowSay {
  say: SayInput;
  /** Its path in the flow, e.g. `routes[0].actions[1].say`. */
  where: string;
  /** Line and column in the flow file (1-based), when it came from one. */
  line?: number;
  column?: number;
}

const MAX_FLOW_FILE_BYTES = 1024 * 1024;

/**
 * Loads a flow from a YAML or JSON file (or takes a flow object), validates it and checks that every
 * prompt it names is a file in its prompts folder (`prompts` next to the flow file unless the flow
 * says otherwise; for an object, relative to `cwd`).
 *
 * @throws {SiphookError} `FLOW_INVALID` (schema, rules, missing prompt) or `FLOW_READ` (I/O).
 * @example
 * const { flow, prompts } = await loadFlow('flows/demo.yaml');
 */
export async function loadFlow(
  source: string | FlowInput = DEMO_FLOW_FILE,
  options: { cwd?: string } = {},
): Promise<LoadedFlow> {
  const cwd = options.cwd ?? process.cwd();
  let flow: Flow;
  let file: string | undefined;
  let baseDir: string;
  let locate: LocateInFlow | undefined;
  if (typeof source === 'string') {
    file = path.resolve(cwd, source);
    const text = await readFlowFile(file);
    ({ flow, locate } = parseFlowDocument(text, { name: path.relative(cwd, file) || file }));
    baseDir = path.dirname(file);
  } else {
    flow = validateFlow(source);
    baseDir = cwd;
  }
  const promptsPath = path.resolve(baseDir, flow.prompts ?? 'prompts');
  const manifest = isManifestPath(promptsPath) ? await readPromptManifest(promptsPath) : undefined;
  // With a manifest, `say:` prompts are cached beside it.
  const promptsDir = manifest === undefined ? promptsPath : path.dirname(promptsPath);
  const { prompts, says } = collectPrompts(flow, locate);
  const issues: Issue[] = [];
  if (manifest !== undefined) {
    for (const { name, where } of prompts)
      if (!Object.hasOwn(manifest, name))
        issues.push(
          createIssue(
            'FLOW_PROMPT_MISSING',
            where,
            `an entry of the prompt manifest ${promptsPath}`,
            name,
          ),
        );
  } else
    await Promise.all(
      prompts.map(async ({ name, where }) => {
        const full = path.resolve(promptsDir, name);
        const inside = full.startsWith(promptsDir + path.sep);
        const isFile = inside && (await stat(full).catch(() => undefined))?.isFile() === true;
        if (!isFile) {
          issues.push(
            createIssue(
              'FLOW_PROMPT_MISSING',
              where,
              `a file in the prompts folder ${promptsDir}`,
              name,
            ),
          );
        }
      }),
    );
  if (issues.length > 0) {
    const name = file === undefined ? 'the flow' : path.relative(cwd, file) || file;
    throw new SiphookError(
      'FLOW_INVALID',
      summarizeIssues(`${name} names prompts that do not exist:`, issues),
      { issues, flow: name, promptsDir },
    );
  }
  const result: LoadedFlow = {
    flow,
    promptsDir,
    prompts: [...new Set(prompts.map((prompt) => prompt.name))],
    says,
  };
  if (manifest !== undefined) result.manifest = manifest;
  if (file !== undefined) result.file = file;
  return result;
}

async function readFlowFile(file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    if (info.size > MAX_FLOW_FILE_BYTES) {
      throw new SiphookError(
        'FLOW_INVALID',
        `flow file ${file} is ${info.size} bytes; a flow file must be at most ${MAX_FLOW_FILE_BYTES} bytes`,
        { issues: [createIssue('FLOW_TOO_LARGE', '(root)', 'at most 1 MiB', info.size)] },
      );
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof SiphookError) throw error;
    throw new SiphookError(
      'FLOW_READ',
      `cannot read flow file ${file}: ${(error as Error).message}`,
      { file },
      { cause: error },
    );
  }
}

/**
 * Every prompt file name in the flow (absolute URLs are played as given), with where it is, and
 * every `say:` with its line and column when `locate` can find them.
 */
function collectPrompts(
  flow: Flow,
  locate: LocateInFlow | undefined,
): { prompts: { name: string; where: string }[]; says: FlowSay[] } {
  const prompts: { name: string; where: string }[] = [];
  const says: FlowSay[] = [];
  const addSay = (say: SayInput, at: PropertyKey[]) => {
    const found: FlowSay = { say, where: formatPath(at) };
    const position = locate?.(at);
    if (position !== undefined) Object.assign(found, position);
    says.push(found);
  };
  const visit = (steps: readonly StepInput[], at: PropertyKey[]) => {
    for (const [i, step] of steps.entries()) {
      if (typeof step !== 'object') continue;
      const here = formatPath([...at, i]);
      if ('play' in step && !isHttpUrl(step.play))
        prompts.push({ name: step.play, where: `${here}.play` });
      if ('say' in step) addSay(step.say, [...at, i, 'say']);
      if ('gather' in step) {
        const play = step.gather.play;
        if (play !== undefined && !isHttpUrl(play)) {
          prompts.push({ name: play, where: `${here}.gather.play` });
        }
        if (step.gather.say !== undefined) addSay(step.gather.say, [...at, i, 'gather', 'say']);
        for (const [key, branch] of Object.entries(step.gather.branches ?? {})) {
          visit(branch, [...at, i, 'gather', 'branches', key]);
        }
      }
    }
  };
  for (const [r, route] of flow.routes.entries()) visit(route.actions, ['routes', r, 'actions']);
  return { prompts, says };
}
