import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEngineCommand } from '../test/fake-engine.js';
import { createCommandEngine, parseCommandTemplate } from './command-engine.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-tts-command-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseCommandTemplate', () => {
  it('splits like a shell: quotes, backslashes, $VAR from the environment; placeholders stay', () => {
    expect(
      parseCommandTemplate('piper --model "$MODELS/de voice.onnx" --output_file {out} -s\\ x', {
        MODELS: '/opt/models',
      }),
    ).toEqual(['piper', '--model', '/opt/models/de voice.onnx', '--output_file', '{out}', '-s x']);
  });

  it('refuses shell operators, globs, comments and an empty template', () => {
    for (const template of [
      'piper | sox',
      'piper > x.wav',
      'a && b',
      'piper *.onnx',
      'piper # c',
      '',
      '  ',
    ]) {
      expect(() => parseCommandTemplate(template)).toThrow(
        expect.objectContaining({ code: 'OPTIONS_INVALID' }),
      );
    }
  });
});

describe('the command engine', () => {
  it('passes the text on stdin as UTF-8 and {voice} as an argument', async () => {
    const side = join(dir, 'stdin.bin');
    const engine = await createCommandEngine(`${fakeEngineCommand('tone', side)} {voice}`);
    const text = 'Grüße aus Köln, Straße – 😀';
    await engine.speak({ text, voice: 'de', output: join(dir, 'a.wav'), timeoutMs: 10_000 });
    expect(await readFile(side)).toEqual(Buffer.from(text, 'utf8'));
    expect((await readFile(join(dir, 'a.wav'))).subarray(0, 4).toString('latin1')).toBe('RIFF');
  });

  it('takes the audio from stdout when the template has no {out}', async () => {
    const side = join(dir, 'stdin2.bin');
    const engine = await createCommandEngine(fakeEngineCommand('tone', side, true));
    await engine.speak({ text: 'x', voice: 'de', output: join(dir, 'b.wav'), timeoutMs: 10_000 });
    expect((await readFile(join(dir, 'b.wav'))).length).toBe(44 + 16000 * 1.1 * 2);
  });

  it('names the program when it fails, with the last line of its stderr', async () => {
    const engine = await createCommandEngine(fakeEngineCommand('fail', join(dir, 's')));
    await expect(
      engine.speak({ text: 'x', voice: 'de', output: join(dir, 'c.wav'), timeoutMs: 10_000 }),
    ).rejects.toMatchObject({
      code: 'TTS_ENGINE_FAILED',
      message: expect.stringMatching(/exited with code 3: model file not found: de\.onnx$/),
    });
  });

  it('is not found when its program is not, before anything is spoken', async () => {
    await expect(createCommandEngine('no-such-tts-program --out {out}')).rejects.toMatchObject({
      code: 'TTS_ENGINE_NOT_FOUND',
      message: expect.stringContaining('"no-such-tts-program"'),
    });
  });

  it('kills a program that hangs, and the processes it started, after the time limit', async () => {
    const side = join(dir, 'hang.bin');
    // sh starts node, which hangs: both are in the group that is killed.
    const engine = await createCommandEngine(
      `sh -c ${JSON.stringify(fakeEngineCommand('hang', side))}`,
    );
    const started = Date.now();
    await expect(
      engine.speak({ text: 'x', voice: 'de', output: join(dir, 'd.wav'), timeoutMs: 1500 }),
    ).rejects.toMatchObject({
      code: 'TTS_ENGINE_TIMEOUT',
      message: expect.stringContaining('1500 ms'),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
