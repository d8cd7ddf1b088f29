import type { RegisterCommand } from '../context.js';
import { registerWav } from './wav.js';

/**
 * Every subcommand of `siphook`, in the order `--help` lists them. Each lives in its own file in
 * this folder and exports one `register*` function.
 */
export const commands: RegisterCommand[] = [
  registerWav,
  // xml, serve-audio, server, simulate: one line each, added by their work
];
