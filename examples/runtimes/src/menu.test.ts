import { describe, expect, it } from 'vitest';
import { createMenuHandler, readMenuSettings } from './menu.js';

describe('createMenuHandler', () => {
  it('refuses a prompts URL that is not absolute, naming the setting', () => {
    expect(() => createMenuHandler({ promptsUrl: 'prompts/' })).toThrow(
      'promptsUrl (SIPHOOK_PROMPTS_URL): expected an absolute http(s) URL; received "prompts/"',
    );
  });

  it('refuses Basic auth without a password, naming the variable', () => {
    expect(() => createMenuHandler({ basicAuth: 'sipgate' })).toThrow(/SIPHOOK_BASIC_AUTH/);
  });
});

describe('readMenuSettings', () => {
  it('reads every setting, empty variables as unset', () => {
    const env: Record<string, string> = {
      SIPHOOK_PROMPTS_URL: 'https://cdn.example.com/p/',
      SIPHOOK_TRUST_KEY: '',
      SIPHOOK_ALLOW_LIST: '127.0.0.1',
      SIPHOOK_DEADLINE_MS: '3000',
      SIPHOOK_EXAMPLE_FAULTS: '1',
    };
    expect(readMenuSettings((name) => env[name])).toEqual({
      promptsUrl: 'https://cdn.example.com/p/',
      trustKey: undefined,
      publicUrl: undefined,
      allowList: '127.0.0.1',
      basicAuth: undefined,
      deadlineMs: 3000,
      faults: true,
    });
  });
});
