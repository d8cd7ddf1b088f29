import { describe, expect, it } from 'vitest';
import { parseRequestTarget } from './request-target.js';

describe('parseRequestTarget', () => {
  it.each([
    ['/welcome.wav', 'welcome.wav', ''],
    ['/de/Begr%C3%BC%C3%9Fung.wav?exp=1&sig=x', 'de/Begrüßung.wav', 'exp=1&sig=x'],
    ['/', '', ''],
    ['/?x=1', '', 'x=1'],
    ['/welcome..wav', 'welcome..wav', ''],
  ])('accepts %s', (target, name, query) => {
    expect(parseRequestTarget(target)).toEqual({ ok: true, name, query });
  });

  it.each([
    '',
    'welcome.wav',
    'http://host/welcome.wav',
    '/../x',
    '/a/..',
    '/.',
    '/%2e%2e/x',
    '/%2E%2e/x',
    '/..%2fx',
    '/a%5cb',
    '/a\\b',
    '/a%00b',
    '/a\u0000b',
    '/%252e%252e',
    '//etc/passwd',
    '/a//b',
    '/a/',
    '/C:/x',
    '/%c0%ae',
    '/%',
    '/a%0ab',
    '/a#b',
    `/${'a'.repeat(2100)}`,
  ])('refuses %j with 400', (target) => {
    const result = parseRequestTarget(target);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.status).toBe(400);
  });
});
