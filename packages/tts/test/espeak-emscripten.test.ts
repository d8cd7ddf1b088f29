// The optional WebAssembly engine, run only where the user's own install of
// @echogarden/espeak-ng-emscripten is present (siphook never installs it: it is GPL-3.0).
import { createRequire } from 'node:module';
import { checkPlayable, inspectWavBytes } from '@siphook/wav';
import { describe, expect, it } from 'vitest';

const INSTALLED = (() => {
  try {
    createRequire(import.meta.url).resolve('@echogarden/espeak-ng-emscripten/package.json');
    return true;
  } catch {
    return false;
  }
})();
if (!INSTALLED)
  console.warn(
    'the optional npm package @echogarden/espeak-ng-emscripten is not installed: its engine tests are skipped',
  );

// The engine runs in a worker thread, whose script exists only in the build: test what ships.
const tts = (await import(
  new URL('../dist/index.js', import.meta.url).href
)) as typeof import('../src/index.js');

describe.skipIf(!INSTALLED)('the espeak-ng-emscripten engine', () => {
  it('speaks German with umlauts into a playable prompt, and reads <, & as text', async () => {
    const engine = await tts.resolveEngine('espeak-ng-emscripten');
    try {
      const umlauts = await tts.synthesize('Grüße aus Köln, die Straße', { engine, voice: 'de' });
      const plain = await tts.synthesize('Gruesse aus Koeln, die Strasse', { engine, voice: 'de' });
      expect(checkPlayable(inspectWavBytes(umlauts.bytes!)).ok).toBe(true);
      expect(umlauts.durationSeconds / plain.durationSeconds).toBeGreaterThan(0.85);
      expect(umlauts.durationSeconds / plain.durationSeconds).toBeLessThan(1.2);
      // Read as SSML, "<b>" would be a tag and vanish; escaped, its "b" is spoken.
      const markup = await tts.synthesize('a <b> c', { engine, voice: 'en' });
      const bare = await tts.synthesize('a c', { engine, voice: 'en' });
      expect(markup.durationSeconds).toBeGreaterThan(bare.durationSeconds + 0.2);
      await expect(tts.synthesize('Hallo', { engine, voice: 'xx-nope' })).rejects.toMatchObject({
        code: 'TTS_VOICE_UNKNOWN',
        message: expect.stringMatching(/\bde\b.*\ben\b/),
      });
    } finally {
      await engine.close?.();
    }
  });
});
