/**
 * The `espeak-ng` engine: the system program (Debian package `espeak-ng`), found through
 * `ESPEAK_NG_PATH` or on PATH. The text goes to stdin as UTF-8 with `-b 1`, so umlauts and ß are
 * read right whatever the locale; the voice is a separate argument, never parsed by a shell.
 */
import { resolve } from 'node:path';
import { describeReceived, SiphookError } from '@siphook/schema/errors';
import which from 'which';
import { lastLine, runEngineProcess } from './run-engine-process.js';
import type { TtsEngine } from './tts-engine.js';

/** How to get the program, for the not-found message. */
export const ESPEAK_NG_INSTALL_HINT =
  'install it with `apt-get install espeak-ng` (Debian, Ubuntu), `brew install espeak-ng` (macOS) or from https://github.com/espeak-ng/espeak-ng, or set ESPEAK_NG_PATH';
/** Listing voices is quick; a program that takes longer than this is not working. */
const VOICES_TIMEOUT_MS = 10_000;
/** espeak-ng's message for a voice it does not have ("The specified espeak-ng voice does not exist"). */
const NO_SUCH_VOICE = /voice does not exist|failed to (?:read|load) voice/i;

/**
 * Finds the espeak-ng program: `path` if given, else `ESPEAK_NG_PATH` (either must then be an
 * executable file), else `espeak-ng` on PATH.
 *
 * @throws {SiphookError} `TTS_ENGINE_NOT_FOUND`, saying where it looked and how to install it.
 */
export async function findEspeakNg(path?: string): Promise<string> {
  const fromEnv = process.env['ESPEAK_NG_PATH'];
  const explicit = path ?? (fromEnv === '' ? undefined : fromEnv);
  if (explicit !== undefined) {
    // A path with a slash is checked as it is (an executable regular file), not searched for.
    const found = await which(resolve(explicit), { nothrow: true });
    if (found !== null) return found;
    const where = path === undefined ? 'ESPEAK_NG_PATH' : 'engine path';
    throw new SiphookError(
      'TTS_ENGINE_NOT_FOUND',
      `espeak-ng: ${where} is ${describeReceived(explicit)}, which is not an executable file; ${ESPEAK_NG_INSTALL_HINT}`,
      { engine: 'espeak-ng', searched: [where], received: explicit },
    );
  }
  const found = await which('espeak-ng', { nothrow: true });
  if (found !== null) return found;
  throw new SiphookError(
    'TTS_ENGINE_NOT_FOUND',
    `espeak-ng: the program was not found on PATH and ESPEAK_NG_PATH is not set; ${ESPEAK_NG_INSTALL_HINT}`,
    { engine: 'espeak-ng', searched: ['ESPEAK_NG_PATH', 'PATH'] },
  );
}

/** The language codes in `espeak-ng --voices` output (its second column), sorted, once each. */
export function parseEspeakVoices(listing: string): string[] {
  const voices = new Set<string>();
  for (const line of listing.split('\n').slice(1)) {
    const language = line.trim().split(/\s+/)[1];
    if (language !== undefined && language !== '') voices.add(language);
  }
  return [...voices].sort();
}

/**
 * The espeak-ng engine for a program found by {@link findEspeakNg}.
 *
 * @throws {SiphookError} `TTS_ENGINE_NOT_FOUND`.
 */
export async function createEspeakNgEngine(path?: string): Promise<TtsEngine> {
  const program = await findEspeakNg(path);
  let voices: Promise<string[] | undefined> | undefined;
  const listVoices = async (): Promise<string[] | undefined> => {
    const listing = await runEngineProcess({
      engine: 'espeak-ng',
      program,
      args: ['--voices'],
      input: '',
      timeoutMs: VOICES_TIMEOUT_MS,
      captureStdout: true,
    }).catch(() => undefined);
    return listing === undefined ? undefined : parseEspeakVoices(listing.stdout ?? '');
  };
  const engine: TtsEngine = {
    name: 'espeak-ng',
    id: `espeak-ng:${program}`,
    voices: () => {
      voices ??= listVoices();
      return voices;
    },
    async speak({ text, voice, output, timeoutMs, signal }) {
      const outcome = await runEngineProcess({
        engine: 'espeak-ng',
        program,
        args: ['-b', '1', '-v', voice, '-w', output, '--stdin'],
        input: text,
        timeoutMs,
        signal,
      });
      if (outcome.code === 0) return;
      if (NO_SUCH_VOICE.test(outcome.stderr)) throw await unknownVoice(engine, voice);
      throw new SiphookError(
        'TTS_ENGINE_FAILED',
        `espeak-ng exited with ${outcome.code === null ? `signal ${outcome.signal}` : `code ${outcome.code}`}: ${lastLine(outcome.stderr) || 'no message'}`,
        { engine: 'espeak-ng', code: outcome.code, stderr: outcome.stderr },
      );
    },
  };
  return engine;
}

/** The unknown-voice error, listing what the engine has. */
export async function unknownVoice(engine: TtsEngine, voice: string): Promise<SiphookError> {
  const voices = await engine.voices();
  const expected =
    voices === undefined || voices.length === 0
      ? `a voice ${engine.name} has (it cannot list them)`
      : `one of the ${voices.length} voices of ${engine.name}: ${voices.join(', ')}`;
  return new SiphookError(
    'TTS_VOICE_UNKNOWN',
    `voice: ${engine.name} has no voice ${describeReceived(voice)}; expected ${expected}`,
    { engine: engine.name, voice, voices },
  );
}
