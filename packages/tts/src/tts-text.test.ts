import { isSiphookError } from '@siphook/schema';
import { describe, expect, it } from 'vitest';
import { checkTtsText, checkVoice, MAX_TTS_TEXT_LENGTH, TtsTextSchema } from './tts-text.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isSiphookError(error) ? error.code : 'not a SiphookError';
  }
  return undefined;
}

describe('the text of a prompt', () => {
  it('takes umlauts, ß, line breaks, tabs and 2000 characters counted as code points', () => {
    expect(checkTtsText('Grüße aus Köln,\n\tdie Straße.')).toBe('Grüße aus Köln,\n\tdie Straße.');
    expect(checkTtsText('ß'.repeat(MAX_TTS_TEXT_LENGTH))).toHaveLength(MAX_TTS_TEXT_LENGTH);
    // 2000 emoji are 4000 UTF-16 units but 2000 characters.
    expect(TtsTextSchema.safeParse('😀'.repeat(MAX_TTS_TEXT_LENGTH)).success).toBe(true);
  });

  it('refuses empty or blank text, naming what was expected', () => {
    for (const text of ['', '  \n\t ']) {
      expect(() => checkTtsText(text)).toThrow(/^text: expected a text to speak \(not empty\)/);
    }
  });

  it('refuses text over 2000 characters and says how long it is', () => {
    expect(() => checkTtsText('a'.repeat(2001))).toThrow(
      /^text: expected at most 2000 characters to speak \(this text has 2001;/,
    );
    expect(codeOf(() => checkTtsText('😀'.repeat(2001)))).toBe('TTS_TEXT_INVALID');
  });

  it('refuses control characters (NUL, BEL, ESC, DEL, C1) and lone surrogates, naming the first', () => {
    expect(() => checkTtsText('Hallo\u001b[31m')).toThrow(/found U\+001B at index 5/);
    for (const text of ['a\u0000', 'a\u0007', 'a\u007f', 'a\u0085', 'a\u000b']) {
      expect(codeOf(() => checkTtsText(text))).toBe('TTS_TEXT_INVALID');
    }
    expect(() => checkTtsText('a\ud800b')).toThrow(/lone surrogate U\+D800 at index 1/);
    expect(codeOf(() => checkTtsText(42))).toBe('TTS_TEXT_INVALID');
  });

  it('takes voice names as engines spell them and refuses ones that look like options', () => {
    for (const voice of ['de', 'en-us', 'gmw/de', 'de+f3', 'en_GB'])
      expect(checkVoice(voice)).toBe(voice);
    for (const voice of ['', '-v', 'de us', 'x'.repeat(65), 'de;rm']) {
      expect(codeOf(() => checkVoice(voice))).toBe('OPTIONS_INVALID');
    }
  });
});
