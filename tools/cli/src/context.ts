import { exitCodeOf, isSiphookError } from '@siphook/schema/errors';
import type { Command } from 'commander';

/** Exit status of every siphook command: 0 ok, 1 input not compliant, 2 usage or I/O error. */
export const ExitCode = { ok: 0, notCompliant: 1, usage: 2 } as const;
/** One of the three exit statuses. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one map from an error to an exit status: a SiphookError exits with its code's `exit` in
 * `ERROR_CODES` (1 input not compliant, 2 usage or I/O); anything else is an I/O error (2).
 */
export function exitCodeFor(error: unknown): ExitCode {
  return isSiphookError(error) ? exitCodeOf(error.code) : ExitCode.usage;
}

/** Minimal writable used for stdout and stderr, so tests can capture output in memory. */
export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** What a command gets besides its arguments: where to write, and how to report its status. */
export interface CommandContext {
  stdout: Output;
  stderr: Output;
  /** Raises the process exit status; the highest status reported wins. */
  setExitCode(code: ExitCode): void;
  /** Resolves when a long-running command (server, serve-audio) should shut down. */
  signal: AbortSignal;
}

/** A command module adds its subcommand to the program. */
export type RegisterCommand = (program: Command, context: CommandContext) => void;
