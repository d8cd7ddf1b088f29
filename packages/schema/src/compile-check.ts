import type { z } from 'zod';

/** A compiled test of one field's value. */
export type FieldCheck = (value: unknown) => boolean;

interface CheckDef {
  check?: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
}

/**
 * Compiles an object schema's fields into plain predicates for the decode hot path. The zod
 * schema stays the single source of truth: each predicate is read off the schema's own definition
 * (`optional`, `string` with `regex`/`min` checks, `enum`, `literal`, `array` of strings), and any
 * construct not recognised here falls back to that field's zod `safeParse`. A predicate only says
 * yes or no; when any says no, the caller runs the full zod parse for its messages.
 */
export function compileObjectCheck(
  shape: Record<string, z.ZodType>,
): (candidate: Record<string, unknown>) => boolean {
  const fields = Object.entries(shape).map(([name, schema]) => ({ name, ...compileField(schema) }));
  const checks = fields.map((field) => field.check);
  if (fields.every((field) => IDENTIFIER.test(field.name))) {
    // One expression with named loads, as zod compiles its own object parsers: a loop of
    // computed loads measured a third slower on the decodeEvent hot path.
    const terms = fields.map(({ name, optional }, i) =>
      optional
        ? `(c.${name} === undefined || k[${i}](c.${name}))`
        : `(c.${name} !== undefined && k[${i}](c.${name}))`,
    );
    return new Function('k', `return (c) => ${terms.join(' && ') || 'true'};`)(checks);
  }
  return (candidate) => {
    for (const field of fields) {
      const value = candidate[field.name];
      if (value === undefined ? !field.optional : !field.check(value)) return false;
    }
    return true;
  };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function compileField(schema: z.ZodType): { optional: boolean; check: FieldCheck } {
  const def = schema.def as { type: string; innerType?: z.ZodType };
  if (def.type === 'optional' && def.innerType !== undefined) {
    return { optional: true, check: compileValue(def.innerType) };
  }
  return { optional: false, check: compileValue(schema) };
}

function compileValue(schema: z.ZodType): FieldCheck {
  const def = schema.def as {
    type: string;
    checks?: { _zod: { def: CheckDef } }[];
    element?: z.ZodType;
  };
  const values = (schema as unknown as { _zod: { values?: Set<unknown> } })._zod.values;
  switch (def.type) {
    case 'string': {
      const checks = (def.checks ?? []).map((check) => check._zod.def);
      const patterns: RegExp[] = [];
      let minimum = 0;
      for (const check of checks) {
        if (
          check.check === 'string_format' &&
          check.format === 'regex' &&
          check.pattern &&
          !check.pattern.global &&
          !check.pattern.sticky
        ) {
          patterns.push(check.pattern);
        } else if (check.check === 'min_length' && typeof check.minimum === 'number') {
          minimum = check.minimum;
        } else {
          return (value) => schema.safeParse(value).success;
        }
      }
      const [first, ...more] = patterns;
      if (first === undefined)
        return (value) => typeof value === 'string' && value.length >= minimum;
      if (more.length === 0) {
        return (value) => typeof value === 'string' && value.length >= minimum && first.test(value);
      }
      return (value) => {
        if (typeof value !== 'string' || value.length < minimum) return false;
        for (const pattern of patterns) if (!pattern.test(value)) return false;
        return true;
      };
    }
    case 'enum':
    case 'literal':
      if (values !== undefined) {
        // A few short strings compare faster than a fresh string can be hashed for a Set.
        const list = [...values];
        if (list.length === 1) {
          const only = list[0];
          return (value) => value === only;
        }
        return (value) => list.includes(value);
      }
      break;
    case 'array': {
      const element = def.element?.def as { type: string; checks?: unknown[] } | undefined;
      if (def.checks === undefined || def.checks.length === 0) {
        if (element?.type === 'string' && (element.checks?.length ?? 0) === 0) {
          return (value) => {
            if (!Array.isArray(value)) return false;
            for (const item of value) if (typeof item !== 'string') return false;
            return true;
          };
        }
      }
      break;
    }
  }
  return (value) => schema.safeParse(value).success;
}
