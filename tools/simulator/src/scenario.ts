import { readFile } from 'node:fs/promises';
import {
  CallIdSchema,
  DtmfEventSchema,
  E164Schema,
  formatPath,
  fromZodIssues,
  HangupEventSchema,
  type Issue,
  NewCallEventSchema,
  SiphookError,
  summarizeIssues,
} from '@siphook/schema';
import { parseDocument } from 'yaml';
import { z } from 'zod';

// The call fields take the push schemas' own rules (a scenario is what sipgate.io would send, and
// `siphook inspect export` writes real traffic back as one); only YAML's numbers are read as text.
const party = NewCallEventSchema.shape.from;
const asText = z.union([z.string(), z.number().int().nonnegative()]).transform(String);
const KEYS = 'keypad digits 0-9, *, #, A-D, or "" for no input';
// YAML reads `dtmf: [1, 23]` as numbers; keep them as the digits they were written as.
const keys = z
  .union([z.string(), z.number().int().nonnegative()], { error: KEYS })
  .transform(String)
  .pipe(DtmfEventSchema.shape.dtmf.unwrap());
const cause = HangupEventSchema.shape.cause;
const number = asText.pipe(E164Schema);
const seconds = (what: string) =>
  z.number({ error: what }).nonnegative({ error: what }).max(86_400, { error: what });

/**
 * What a scenario expects of the server, checked after the call. Each key adds one check.
 *
 * @example
 * { dials: '4915799912345', playsAtLeastSeconds: 2 }
 */
export const ExpectationSchema = z.strictObject({
  /** The call is sent on with Dial to this number (or each of these), or to `voicemail`. */
  dials: z
    .union([number, z.literal('voicemail'), z.array(z.union([number, z.literal('voicemail')]))], {
      error: 'a number, "voicemail", or a list of them',
    })
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .optional(),
  /** The Play actions carried out add up to at least this much audio. */
  playsAtLeastSeconds: seconds('a number of seconds >= 0').optional(),
  /** The call is refused with Reject and this reason. */
  rejects: z.enum(['busy', 'rejected'], { error: '"busy" or "rejected"' }).optional(),
  /** The call ends with this hangup cause. */
  hangsUpWith: cause.optional(),
  /** `true`: at least one Gather; a number: exactly that many; `false`: none. */
  gathers: z
    .union([z.boolean(), z.number().int().nonnegative()], {
      error: 'true, false, or a number of Gathers',
    })
    .optional(),
  /** `true`: the server runs out of actions and the call continues under the account's defaults. */
  continues: z.boolean({ error: 'true or false' }).optional(),
});

/**
 * One simulated call: the newCall fields, what the caller does, and what is expected. Every field
 * has the default the CLI documents, so `{}` is a complete scenario.
 */
export const ScenarioSchema = z.strictObject({
  /** Shown in the transcript and as the JUnit test-suite name. */
  name: z.string({ error: 'a string' }).max(200, { error: 'at most 200 characters' }).optional(),
  from: asText.pipe(party).default('492111234567'),
  to: asText.pipe(party).default('4915791234567'),
  direction: NewCallEventSchema.shape.direction.default('in'),
  /** `user[]`: the sipgate users involved; one name or a list. */
  user: z
    .union([z.string(), z.array(z.string({ error: 'a string' }))], {
      error: 'a user name or a list of them',
    })
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .default(['Alice']),
  /** Random when left out. */
  callId: CallIdSchema.optional(),
  diversion: NewCallEventSchema.shape.diversion,
  /** One entry per Gather, in order; a Gather beyond the list gets "" (no input). */
  dtmf: z.array(keys, { error: 'a list of digit strings, one per Gather' }).default([]),
  /**
   * How the far end behaves when a Dial rings it, and how a call that runs out of actions ends:
   * `normalClearing` (answered, then hung up after the talk time) or a cause such as `busy`,
   * `noAnswer`, `cancel` (the caller gives up first).
   */
  cause: cause.default('normalClearing'),
  /** Talk time after a Dial is answered, in seconds; simulated, not waited for. */
  talkSeconds: seconds('a number of seconds >= 0').default(0),
  /** `answeringNumber` of the answer push; the first dialled number when left out. */
  answeringNumber: asText.pipe(party).optional(),
  /** Checks on the outcome. */
  expect: ExpectationSchema.default({}),
});

/** A scenario as written: every field optional. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A scenario with defaults filled in. */
export type Scenario = z.output<typeof ScenarioSchema>;
/** Expectations with lists normalised. */
export type Expectation = z.output<typeof ExpectationSchema>;

const ScenarioFileShape = z.strictObject({
  /** Fields every call starts from (a call's own fields win). */
  defaults: z.record(z.string(), z.unknown(), { error: 'a mapping of call fields' }).optional(),
  calls: z
    .array(z.record(z.string(), z.unknown(), { error: 'a mapping of call fields' }), {
      error: 'a list of calls',
    })
    .min(1, { error: 'a list of at least one call' })
    .max(1000, { error: 'at most 1000 calls' }),
});

/** Scenario files larger than this are refused before parsing. */
export const MAX_SCENARIO_FILE_BYTES = 1_048_576;

/**
 * Validates one scenario and fills in its defaults.
 *
 * @throws {SiphookError} `SCENARIO_INVALID` with `details.issues` naming each bad field.
 * @example
 * parseScenario({ dtmf: [1] }).dtmf // ['1']
 */
export function parseScenario(input: unknown, pathPrefix = ''): Scenario {
  const result = ScenarioSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = prefixIssues(fromZodIssues(result.error.issues, input), pathPrefix);
  throw new SiphookError('SCENARIO_INVALID', summarizeIssues('scenario is invalid:', issues), {
    issues,
  });
}

/**
 * Reads a scenario file's text (YAML, or JSON which is YAML too): `calls:` lists the calls,
 * `defaults:` holds fields they share. `base` is merged under the defaults (CLI flags).
 *
 * @throws {SiphookError} `SCENARIO_INVALID`, with the line:column of a YAML syntax error, or the
 *   path (`calls[1].dtmf[0]`) of each invalid field.
 * @example
 * parseScenarioFile('calls:\n  - dtmf: [1]\n    expect: { dials: "4915799912345" }\n')
 */
export function parseScenarioFile(text: string, base: ScenarioInput = {}): Scenario[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_SCENARIO_FILE_BYTES) {
    throw new SiphookError(
      'SCENARIO_INVALID',
      `scenario file: expected at most ${MAX_SCENARIO_FILE_BYTES} bytes; received ${Buffer.byteLength(text, 'utf8')}`,
    );
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const yamlError = document.errors[0];
  if (yamlError) {
    const at = yamlError.linePos?.[0];
    const where = at ? `${at.line}:${at.col}` : 'unknown position';
    throw new SiphookError(
      'SCENARIO_INVALID',
      `scenario file: YAML syntax error at ${where}: ${(yamlError.message.split('\n', 1)[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      { line: at?.line, column: at?.col },
    );
  }
  // maxAliasCount bounds "billion laughs" alias expansion.
  const data: unknown = document.toJS({ maxAliasCount: 100 });
  const shape = ScenarioFileShape.safeParse(data);
  if (!shape.success) {
    const issues = fromZodIssues(shape.error.issues, data);
    throw new SiphookError(
      'SCENARIO_INVALID',
      summarizeIssues('scenario file is invalid:', issues),
      { issues },
    );
  }
  const issues: Issue[] = [];
  const scenarios: Scenario[] = [];
  shape.data.calls.forEach((call, index) => {
    try {
      scenarios.push(
        parseScenario({ ...base, ...shape.data.defaults, ...call }, formatPath(['calls', index])),
      );
    } catch (error) {
      if (!(error instanceof SiphookError)) throw error;
      issues.push(...error.issues);
    }
  });
  if (issues.length > 0) {
    throw new SiphookError(
      'SCENARIO_INVALID',
      summarizeIssues('scenario file is invalid:', issues),
      { issues },
    );
  }
  return scenarios;
}

/**
 * Reads and parses a scenario file from disk.
 *
 * @throws {SiphookError} `SCENARIO_READ_FAILED` when the file cannot be read; `SCENARIO_INVALID`.
 */
export async function loadScenarioFile(file: string, base?: ScenarioInput): Promise<Scenario[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SiphookError(
      'SCENARIO_READ_FAILED',
      `scenario file ${file}: ${(error as Error).message}`,
      { path: file },
      { cause: error },
    );
  }
  return parseScenarioFile(text, base);
}

function prefixIssues(issues: Issue[], prefix: string): Issue[] {
  if (prefix === '') return issues;
  return issues.map((issue) => {
    const path = issue.path === '(root)' ? prefix : `${prefix}.${issue.path}`;
    return {
      ...issue,
      path,
      message: `${path}: expected ${issue.expected}; received ${issue.received}`,
    };
  });
}
