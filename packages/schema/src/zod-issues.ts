import type { z } from 'zod';
import { createIssue, type Issue } from './siphook-error.js';

/**
 * Turns a path from zod into the dotted form used in messages: `actions[0].target.numbers[1]`.
 * `prefix` is prepended, e.g. a wire field name.
 */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Maps zod issues to siphook issues. Every schema in this package sets its error text to the
 * expectation ("digits 0-9"), so the zod message becomes `expected`. A missing value becomes
 * `FIELD_REQUIRED`, an unknown key `FIELD_UNKNOWN`, anything else `FIELD_INVALID`.
 */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], root: unknown): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push(
          createIssue(
            'FIELD_UNKNOWN',
            formatPath([...issue.path, key]),
            'no such field',
            valueAt(root, [...issue.path, key]),
          ),
        );
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest: the one with the fewest issues.
      const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
      // Unions of plain values ("digits, or anonymous") keep their own message instead, and so
      // does a tie (`target: {}` is as far from `numbers` as from `voicemail`).
      const tied = issue.errors.filter((branch) => branch.length === best.length).length > 1;
      const nested =
        !tied &&
        best.length > 0 &&
        best.every((inner) => inner.path.length > 0 && inner.code !== 'unrecognized_keys');
      if (nested) {
        out.push(
          ...fromZodIssues(
            best.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })),
            root,
          ),
        );
        continue;
      }
    }
    const value = valueAt(root, issue.path);
    const code = value === undefined ? 'FIELD_REQUIRED' : 'FIELD_INVALID';
    out.push(createIssue(code, formatPath(issue.path), issue.message, value));
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
