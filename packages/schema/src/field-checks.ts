import type { z } from 'zod';

/** A yes/no test of one value. */
export type ValueCheck = (value: unknown) => boolean;

interface CheckDef {
  check?: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  fn?: (value: unknown) => unknown;
}

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  checks?: { _zod: { def: CheckDef } }[];
  fn?: (value: unknown) => unknown;
}

/**
 * A yes/no test read off a zod schema, for decodeEvent's hot path. The schema stays the one
 * statement of each rule: the test uses the schema's own regexes, limits, enum values and refine
 * functions, and only for the constructs the push schemas use (strings with regex, length and
 * refine checks; enums and literals; arrays; optional and default wrappers). Anything else is
 * answered by the schema's own `safeParse`. No code is generated. It only says yes or no; on a no
 * the caller runs the schema for its messages. field-checks.test.ts holds it to zod's verdict.
 */
export function checkOf(schema: z.ZodType): ValueCheck {
  const def = schema.def as SchemaDef;
  const values = (schema as unknown as { _zod: { values?: Set<unknown> } })._zod.values;
  const byZod: ValueCheck = (value) => schema.safeParse(value).success;
  switch (def.type) {
    case 'optional':
    case 'default': {
      // zod fills a default in for undefined, so undefined passes both.
      const inner = checkOf(def.innerType!);
      return (value) => value === undefined || inner(value);
    }
    case 'enum':
    case 'literal': {
      if (values === undefined) return byZod;
      const allowed = [...values];
      return (value) => allowed.includes(value);
    }
    case 'custom':
      return def.fn === undefined ? byZod : (value) => Boolean(def.fn!(value));
    case 'string': {
      const tests = (def.checks ?? []).map((check) => testOf(check._zod.def));
      if (tests.includes(undefined)) return byZod;
      const all = tests as ValueCheck[];
      return (value) => typeof value === 'string' && all.every((test) => test(value));
    }
    case 'array': {
      const element = checkOf(def.element!);
      const tests = (def.checks ?? []).map((check) => testOf(check._zod.def));
      if (tests.includes(undefined)) return byZod;
      const all = tests as ValueCheck[];
      return (value) =>
        Array.isArray(value) && all.every((test) => test(value)) && value.every(element);
    }
    default:
      return byZod;
  }
}

/** One check of a string or array schema, or `undefined` for a kind not read here. */
function testOf(check: CheckDef): ValueCheck | undefined {
  const { pattern, minimum, maximum, fn } = check;
  switch (check.check) {
    case 'string_format':
      if (check.format !== 'regex' || pattern === undefined) return undefined;
      if (pattern.global || pattern.sticky) return undefined;
      return (value) => pattern.test(value as string);
    case 'min_length':
      return minimum === undefined
        ? undefined
        : (value) => (value as { length: number }).length >= minimum;
    case 'max_length':
      return maximum === undefined
        ? undefined
        : (value) => (value as { length: number }).length <= maximum;
    case 'custom':
      return fn === undefined ? undefined : (value) => Boolean(fn(value));
    default:
      return undefined;
  }
}

/** The test of an object's fields, each read off its schema with {@link checkOf}. */
export function checkFieldsOf(
  shape: Record<string, z.ZodType>,
): (candidate: Record<string, unknown>) => boolean {
  const fields = Object.entries(shape).map(([name, schema]) => ({ name, check: checkOf(schema) }));
  return (candidate) => fields.every(({ name, check }) => check(candidate[name]));
}
