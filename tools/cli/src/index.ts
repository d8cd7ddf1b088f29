export { type CommandEntry, commands } from './commands/index.js';
export { type CommandContext, ExitCode, type Output, type RegisterCommand } from './context.js';
export { type CliOptions, createProgram, runCli } from './run-cli.js';
