import type { RegisterCommand } from '../context.js';

/**
 * Every subcommand of `siphook`, in the order `--help` lists them. Each lives in its own file in
 * this folder and exports one `register*` function.
 */
export const commands: RegisterCommand[] = [];
