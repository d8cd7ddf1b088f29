import { describe, expect, it } from 'vitest';
import {
  createIssue,
  describeReceived,
  isSiphookError,
  SiphookError,
  summarizeIssues,
} from './siphook-error.js';

describe('SiphookError', () => {
  it('carries a stable code, a message and details', () => {
    const issue = createIssue('FIELD_INVALID', 'from', 'digits', '+49');
    const error = new SiphookError('EVENT_INVALID', 'newCall push is invalid', {
      issues: [issue],
      event: 'newCall',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SiphookError');
    expect(error.code).toBe('EVENT_INVALID');
    expect(error.message).toBe('newCall push is invalid');
    expect(error.details).toEqual({ issues: [issue], event: 'newCall' });
    expect(error.issues).toEqual([issue]);
    expect(error.stack).toContain('SiphookError');
  });

  it('defaults details to {} and issues to []', () => {
    const error = new SiphookError('WAV_SAMPLE_RATE', 'sample rate is 44100 Hz');
    expect(error.details).toEqual({});
    expect(error.issues).toEqual([]);
  });

  it('keeps a cause', () => {
    const cause = new Error('disk full');
    expect(new SiphookError('IO_ERROR', 'write failed', {}, { cause }).cause).toBe(cause);
  });

  it('serializes to a plain object with toJSON', () => {
    const error = new SiphookError('RESPONSE_INVALID', 'response is invalid', { issues: [] });
    expect(error.toJSON()).toEqual({
      name: 'SiphookError',
      code: 'RESPONSE_INVALID',
      message: 'response is invalid',
      details: { issues: [] },
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual(error.toJSON());
  });
});

describe('isSiphookError', () => {
  const error = new SiphookError('EVENT_UNKNOWN', 'event: expected …');

  it('recognises a SiphookError, optionally by code', () => {
    expect(isSiphookError(error)).toBe(true);
    expect(isSiphookError(error, 'EVENT_UNKNOWN')).toBe(true);
    expect(isSiphookError(error, 'EVENT_INVALID')).toBe(false);
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['a look-alike object', { name: 'SiphookError', code: 'EVENT_UNKNOWN', details: {} }],
    ['null', null],
    ['a string', 'EVENT_UNKNOWN'],
  ])('is false for %s', (_, value) => {
    expect(isSiphookError(value)).toBe(false);
    expect(isSiphookError(value, 'EVENT_UNKNOWN')).toBe(false);
  });
});

describe('describeReceived', () => {
  it.each([
    [undefined, 'nothing'],
    ['', '""'],
    ['+49 211', '"+49 211"'],
    [42, '42'],
    [null, 'null'],
    [['a', 'b'], '["a","b"]'],
    [{ a: 1 }, '{"a":1}'],
    [1n, '1'],
  ])('describes received value %s', (value, text) => {
    expect(describeReceived(value)).toBe(text);
  });

  it('keeps text of exactly 80 characters and truncates longer text to 80 with …', () => {
    expect(describeReceived('x'.repeat(78))).toBe(`"${'x'.repeat(78)}"`);
    const long = describeReceived('x'.repeat(79));
    expect(long).toHaveLength(80);
    expect(long).toBe(`"${'x'.repeat(78)}…`);
    expect(describeReceived('y'.repeat(10_000))).toHaveLength(80);
  });

  it('does not throw on values JSON cannot write', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(describeReceived(cyclic)).toBe('[object Object]');
    expect(describeReceived(Symbol('s'))).toBe('Symbol(s)');
  });
});

describe('createIssue and summarizeIssues', () => {
  it('builds the message from path, expectation and received value', () => {
    expect(createIssue('FIELD_REQUIRED', 'callId', 'a call id', undefined)).toEqual({
      code: 'FIELD_REQUIRED',
      path: 'callId',
      expected: 'a call id',
      received: 'nothing',
      message: 'callId: expected a call id; received nothing',
    });
  });

  it('lists the first five issues and counts the rest', () => {
    const issues = Array.from({ length: 7 }, (_, i) =>
      createIssue('FIELD_INVALID', `f${i}`, 'e', i),
    );
    expect(summarizeIssues('head:', issues)).toBe(
      [
        'head:',
        '  - f0: expected e; received 0',
        '  - f1: expected e; received 1',
        '  - f2: expected e; received 2',
        '  - f3: expected e; received 3',
        '  - f4: expected e; received 4',
        '  - and 2 more',
      ].join('\n'),
    );
  });
});
