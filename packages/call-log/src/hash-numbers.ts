import { createHmac } from 'node:crypto';
import type { PushRecordInput } from './call-record.js';

/** Turns a phone number into its stored stand-in; `anonymous` and empty stay as they are. */
export type NumberHasher = (number: string) => string;

const NUMBER = /^\+?\d+$/;
/** Form fields that hold phone numbers (NOTES.md: newCall, answer and hangup). */
const NUMBER_FIELDS = ['from', 'to', 'diversion', 'answeringNumber'] as const;
const NUMBER_FIELD_IN_BODY = /(^|&)(from|to|diversion|answeringNumber)=([^&]*)/g;
const DIAL_NUMBER = /(<Number>\s*)(\+?\d+)(\s*<\/Number>)/g;
const CALLER_ID = /(callerId=["'])(\+?\d+)(["'])/g;

/**
 * A keyed hash of phone numbers: `#` and 12 hex digits of HMAC-SHA256 under the log's own salt,
 * so one number gets one stand-in within a log (filtering and grouping still work) and cannot be
 * looked up in a table made for another log.
 *
 * @example
 * createNumberHasher('salt')('4915791234567') // '#3f1c…' (13 characters)
 */
export function createNumberHasher(salt: string): NumberHasher {
  return (number) => {
    if (!NUMBER.test(number)) return number;
    return `#${createHmac('sha256', salt).update(number).digest('hex').slice(0, 12)}`;
  };
}

/**
 * The record with every phone number replaced by its hash: in the body, the decoded event and the
 * answer's `<Number>` and `callerId`. Names (`user[]`) are kept.
 */
export function hashRecordNumbers(record: PushRecordInput, hash: NumberHasher): PushRecordInput {
  const body = record.body.replace(NUMBER_FIELD_IN_BODY, (_match, start, name, value) => {
    let number: string;
    try {
      number = decodeURIComponent(value.replaceAll('+', ' '));
    } catch {
      return `${start}${name}=${value}`;
    }
    return `${start}${name}=${encodeURIComponent(hash(number.trim()))}`;
  });
  let decoded = record.decoded;
  if (decoded !== null) {
    decoded = { ...decoded };
    for (const field of NUMBER_FIELDS) {
      const value = decoded[field];
      if (typeof value === 'string') decoded[field] = hash(value);
    }
  }
  const answer = record.answer
    .replace(DIAL_NUMBER, (_match, open, number, close) => `${open}${hash(number)}${close}`)
    .replace(CALLER_ID, (_match, open, number, close) => `${open}${hash(number)}${close}`);
  return { ...record, body, decoded, answer };
}
