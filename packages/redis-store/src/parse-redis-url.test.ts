import { isSiphookError } from '@siphook/schema/errors';
import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redactPassword } from './parse-redis-url.js';

function refusal(text: string): string {
  try {
    parseRedisUrl(text);
  } catch (error) {
    if (isSiphookError(error, 'OPTIONS_INVALID')) return error.message;
    throw error;
  }
  throw new Error(`accepted ${text}`);
}

describe('parseRedisUrl', () => {
  it('reads host, port, database and TLS', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380/2')).toMatchObject({
      tls: false,
      host: '127.0.0.1',
      port: 6380,
      database: 2,
      redacted: 'redis://127.0.0.1:6380/2',
    });
    expect(parseRedisUrl('rediss://cache.example.com')).toMatchObject({
      tls: true,
      host: 'cache.example.com',
      port: 6379,
      database: 0,
    });
    expect(parseRedisUrl('redis://[::1]:7000/')).toMatchObject({ host: '[::1]', port: 7000 });
  });

  it('keeps the password for the client and hides it everywhere else', () => {
    const parsed = parseRedisUrl('redis://app:s3cret@db.internal:6379/1');
    expect(parsed.url).toBe('redis://app:s3cret@db.internal:6379/1');
    expect(parsed.redacted).toBe('redis://app:***@db.internal:6379/1');
  });

  it.each([
    ['redis://user:hunter2@db:6379/x', 'path /x is not a database number'],
    ['http://user:hunter2@db:6379', 'scheme http: is not redis: or rediss:'],
    ['redis://user:hunter2@db:6379/0?tls=1', 'a query or fragment'],
    ['redis://user:hunter2@db:0', 'port 0'],
    ['redis://user:hunter2@db:99999', 'not a URL'],
    ['redis://user:hunter2@db/70000', 'database 70000 is out of range'],
    ['redis:///0', 'no host'],
  ])('refuses %s, naming it without its password', (text, problem) => {
    const message = refusal(text);
    expect(message).toContain(problem);
    expect(message).toContain('expected redis://');
    expect(message).not.toContain('hunter2');
  });
});

describe('redactPassword', () => {
  it('hides the password up to the last @ of the authority, also in text that is no URL', () => {
    expect(redactPassword('redis://u:p@ss@host:1/0')).toBe('redis://u:***@host:1/0');
    expect(redactPassword('redis://:only-password@host')).toBe('redis://:***@host');
    expect(redactPassword('redis://u:p w@host:99999')).toBe('redis://u:***@host:99999');
    expect(redactPassword('redis://host:6379/0@x')).toBe('redis://host:6379/0@x');
    expect(redactPassword('redis://user@host')).toBe('redis://user@host');
    expect(redactPassword('memory')).toBe('memory');
  });
});
