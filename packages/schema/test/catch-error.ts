import { isSiphookError, type SiphookError } from '../src/siphook-error.js';

/** Runs `fn`, expecting it to throw a SiphookError, and returns that error. */
export function catchError(fn: () => unknown): SiphookError {
  try {
    fn();
  } catch (error) {
    if (isSiphookError(error)) return error;
    throw error;
  }
  throw new Error('expected a SiphookError, but nothing was thrown');
}
