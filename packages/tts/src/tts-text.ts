/**
 * What may be spoken: the rules for a prompt's text and a voice name, stated once here and
 * imported by the CLI and by the server's `say:` steps.
 */
import { createIssue, SiphookError } from '@siphook/schema/errors';
import { z } from 'zod';

/** Longest text one prompt speaks, in characters (Unicode code points). */
export const MAX_TTS_TEXT_LENGTH = 2000;

/** The voice used when none is given. */
export const DEFAULT_VOICE = 'de';

/** C0 controls other than tab, line feed and carriage return; DEL; C1 controls. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** A surrogate without its partner: not text, and no engine can read it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NOT_WHITESPACE = /\S/;

function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The text of one prompt: not empty (nor only whitespace), at most {@link MAX_TTS_TEXT_LENGTH}
 * characters, no control characters (line breaks and tabs are fine), valid Unicode.
 *
 * @example
 * TtsTextSchema.parse('Willkommen bei siphook.') // 'Willkommen bei siphook.'
 */
export const TtsTextSchema = z.string({ error: 'a text to speak' }).check((context) => {
  const text = context.value;
  const fail = (message: string) => context.issues.push({ code: 'custom', message, input: text });
  if (!NOT_WHITESPACE.test(text)) {
    fail('a text to speak (not empty)');
    return;
  }
  // Code points, not UTF-16 units: "ß" and "😀" are one character each.
  let length = 0;
  for (const _ of text) length++;
  if (length > MAX_TTS_TEXT_LENGTH) {
    fail(
      `at most ${MAX_TTS_TEXT_LENGTH} characters to speak (this text has ${length}; split it into several prompts)`,
    );
    return;
  }
  const control = CONTROL_CHARACTER.exec(text);
  if (control !== null) {
    fail(
      `text without control characters (found ${codePointName(control[0])} at index ${control.index}; line breaks and tabs are fine)`,
    );
    return;
  }
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate !== null)
    fail(
      `valid Unicode text (found a lone surrogate ${codePointName(surrogate[0])} at index ${surrogate.index})`,
    );
});

const VOICE_EXPECTED =
  'a voice name such as "de", "en" or "en-us" (letters, digits and - _ + . /, at most 64)';

/** A voice name as engines spell them: `de`, `en-us`, `gmw/de`, `de+f3`. It never starts with `-`. */
export const VoiceSchema = z
  .string({ error: VOICE_EXPECTED })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_+./-]{0,63}$/, { error: VOICE_EXPECTED });

/**
 * Checks a prompt's text against {@link TtsTextSchema} and returns it unchanged.
 *
 * @throws {SiphookError} `TTS_TEXT_INVALID`, e.g. `text: expected a text to speak (not empty); received ""`.
 */
export function checkTtsText(text: unknown): string {
  const result = TtsTextSchema.safeParse(text);
  if (result.success) return result.data;
  const issue = createIssue('FIELD_INVALID', 'text', result.error.issues[0]!.message, text);
  throw new SiphookError('TTS_TEXT_INVALID', issue.message, { issues: [issue] });
}

/**
 * Checks a voice name against {@link VoiceSchema} and returns it unchanged.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for a name no engine could have.
 */
export function checkVoice(voice: unknown): string {
  const result = VoiceSchema.safeParse(voice);
  if (result.success) return result.data;
  const issue = createIssue('FIELD_INVALID', 'voice', VOICE_EXPECTED, voice);
  throw new SiphookError('OPTIONS_INVALID', issue.message, { issues: [issue] });
}
