import type { RegisterCommand } from '../context.js';
import { registerWavCheck, registerWavInfo } from './wav-check.js';
import { registerWavConvert } from './wav-convert.js';
import { registerWavPublish } from './wav-publish.js';

/** `siphook wav check|info|convert|publish`: make sure every Play prompt is 8 kHz mono 16-bit PCM. */
export const registerWav: RegisterCommand = (program, context) => {
  const wav = program
    .command('wav')
    .description('inspect, check and convert WAV prompts for sipgate.io Play');
  registerWavCheck(wav, context);
  registerWavInfo(wav, context);
  registerWavConvert(wav, context);
  registerWavPublish(wav, context);
};
