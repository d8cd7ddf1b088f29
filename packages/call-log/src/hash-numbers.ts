import { createHmac } from 'node:crypto';
import type { PushRecordInput } from './call-record.js';

/** Turns a phone number into its stored stand-in; `anonymous` and empty stay as they are. */
export type NumberHasher = (number: string) => string;

const NUMBER = /^\+?\d+$/;
/** What {@link createNumberHasher} makes: `0000` and 11 digits. */
export const HASHED_NUMBER = /^0000\d{11}$/;
const NUMBER_FIELD_IN_BODY = /(^|&)(from|to|diversion|answeringNumber)=([^&]*)/g;
const DIAL_NUMBER = /(<Number>\s*)(\+?\d+)(\s*<\/Number>)/g;
const CALLER_ID = /(callerId=["'])(\+?\d+)(["'])/g;

/**
 * A keyed hash of phone numbers under the log's own salt: one number gets one stand-in within a
 * log (filtering and grouping still work), and it cannot be looked up in a table made for another
 * log. The stand-in is `0000` and 11 digits of HMAC-SHA256: still digits, so pushes and answers
 * stay valid, but never a real number (no E.164 number starts with 0).
 *
 * @example
 * createNumberHasher('salt')('4915791234567') // '000038291047562' (15 digits)
 */
export function createNumberHasher(salt: string): NumberHasher {
  return (number) => {
    if (!NUMBER.test(number) || HASHED_NUMBER.test(number)) return number;
    const digest = createHmac('sha256', salt).update(number).digest();
    return `0000${String(digest.readBigUInt64BE() % 100_000_000_000n).padStart(11, '0')}`;
  };
}

/**
 * The record with every phone number replaced by its hash: `from`, `to`, `diversion` and
 * `answeringNumber` in the body, `<Number>` and `callerId` in the answer. Names (`user[]`) are kept.
 */
export function hashRecordNumbers(record: PushRecordInput, hash: NumberHasher): PushRecordInput {
  const body = record.body.replace(NUMBER_FIELD_IN_BODY, (match, start, name, value) => {
    let number: string;
    try {
      number = decodeURIComponent(value.replaceAll('+', ' ')).trim();
    } catch {
      return match;
    }
    return `${start}${name}=${encodeURIComponent(hash(number))}`;
  });
  const answer = record.answer
    .replace(DIAL_NUMBER, (_match, open, number, close) => `${open}${hash(number)}${close}`)
    .replace(CALLER_ID, (_match, open, number, close) => `${open}${hash(number)}${close}`);
  return { ...record, body, answer };
}
