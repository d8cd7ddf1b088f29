import { describe, expect, it } from 'vitest';
import { sameOrigin, toPushTarget } from './target-url.js';

describe('toPushTarget', () => {
  it('moves URL credentials into a Basic Authorization header', () => {
    const target = toPushTarget('https://us%40er:p%3Ass@example.com:8080/hook?x=1');
    expect(target.url).toBe('https://example.com:8080/hook?x=1');
    expect(Buffer.from(target.authorization?.slice(6) ?? '', 'base64').toString()).toBe(
      'us@er:p:ss',
    );
  });

  it('uses separate credentials when the URL has none, and none at all otherwise', () => {
    expect(toPushTarget('http://h/', { username: 'a', password: 'b' }).authorization).toBe(
      `Basic ${Buffer.from('a:b').toString('base64')}`,
    );
    expect(toPushTarget('http://h/').authorization).toBeUndefined();
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => toPushTarget('localhost:3000')).toThrow(
      /expected an absolute http\(s\) URL; received "localhost:3000"/,
    );
    expect(() => toPushTarget('ftp://h/')).toThrow(/expected an absolute http\(s\) URL/);
    expect(() => toPushTarget('no url')).toThrow(
      /expected an absolute http\(s\) URL; received "no url"/,
    );
  });
});

describe('sameOrigin', () => {
  it('compares scheme, host and port', () => {
    expect(sameOrigin('http://a:1/x', 'http://a:1/y')).toBe(true);
    expect(sameOrigin('http://a:1/x', 'http://a:2/x')).toBe(false);
  });
});
