import { SiphookError } from './siphook-error.js';

/** A raw push body: the bytes as received, their text, or already-split parameters. */
export type FormBody = string | Uint8Array | URLSearchParams;

/** One field of a form body: its values in order, and whether it came as a list (`name[]`). */
export interface FormField {
  values: string[];
  list: boolean;
}

const utf8 = new TextDecoder('utf-8');
/** A list field's suffix: `[]` or `[0]`. */
export const LIST_SUFFIX = /\[\d*\]$/;

/**
 * Splits an `application/x-www-form-urlencoded` body by the WHATWG rules (`+` is a space,
 * percent-decoding, UTF-8 with U+FFFD for bad bytes) and groups the values by field name.
 * `user[]`, `user%5B%5D` and `user[0]` all become the list field `user`.
 *
 * @example
 * decodeForm('user%5B%5D=Alice&user[]=Bob').get('user') // { values: ['Alice', 'Bob'], list: true }
 */
export function decodeForm(body: FormBody): Map<string, FormField> {
  const fields = new Map<string, FormField>();
  toSearchParams(body).forEach((value, rawKey) => {
    const listName = listFieldName(rawKey);
    const key = listName ?? rawKey;
    const field = fields.get(key);
    if (field === undefined) fields.set(key, { values: [value], list: listName !== undefined });
    else {
      field.values.push(value);
      if (listName !== undefined) field.list = true;
    }
  });
  return fields;
}

/**
 * The name of a list field without its suffix (`user[]`, `user[0]` → `user`), or `undefined` for
 * a plain field. The `name[]` the service sends is decided without a regex (decodeEvent's hot path).
 */
export function listFieldName(key: string): string | undefined {
  if (key.charCodeAt(key.length - 1) !== 93 /* ] */) return undefined;
  if (key.charCodeAt(key.length - 2) === 91 /* [ */) return key.slice(0, -2);
  return LIST_SUFFIX.test(key) ? key.slice(0, key.lastIndexOf('[')) : undefined;
}

/** Turns any accepted body into URLSearchParams, decoding bytes as UTF-8. */
export function toSearchParams(body: FormBody): URLSearchParams {
  if (typeof body === 'string') return new URLSearchParams(body);
  if (body instanceof URLSearchParams) return body;
  if (body instanceof Uint8Array) return new URLSearchParams(utf8.decode(body));
  const expected = 'a string, Uint8Array or URLSearchParams';
  const received = describeType(body);
  const message = `body: expected ${expected}; received ${received}`;
  throw new SiphookError('BODY_INVALID', message, {
    issues: [{ code: 'FIELD_INVALID', path: 'body', expected, received, message }],
  });
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
