import type { RegisterCommand } from '../context.js';
import { registerDemo } from './demo.js';
import { registerServeAudio } from './serve-audio.js';
import { registerServer } from './server.js';
import { registerSimulate } from './simulate.js';
import { registerWav } from './wav.js';
import { registerXml } from './xml.js';

/**
 * Every subcommand of `siphook`, in the order `--help` lists them. Each lives in its own file in
 * this folder and exports one `register*` function.
 */
export const commands: RegisterCommand[] = [
  registerWav,
  registerXml,
  registerServeAudio,
  registerServer,
  registerSimulate,
  registerDemo,
  // xml, serve-audio, server, simulate: one line each, added by their work
];
