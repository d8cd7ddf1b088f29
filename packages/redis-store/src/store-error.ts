import { ClientClosedError, ClientOfflineError, ErrorReply } from '@redis/client';
import { isSiphookError, SiphookError } from '@siphook/schema/errors';

/** The error a failed first connection ends with (from the reconnect strategy). */
export function unreachable(address: string, cause: Error): SiphookError {
  return new SiphookError(
    'STORE_UNAVAILABLE',
    `call store: cannot connect to Redis at ${address}: ${cause.message}; expected a reachable Redis (to wait for it instead: waitForConnection, or siphook server --store-wait)`,
    { address, cause: cause.message },
  );
}

/**
 * Names what went wrong with one store command: Redis answering an error (`STORE_FAILED`), or
 * no usable connection (`STORE_UNAVAILABLE`). Both name the host, never the password.
 */
export function storeError(error: unknown, address: string, action: string): SiphookError {
  if (isSiphookError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ErrorReply)
    return new SiphookError(
      'STORE_FAILED',
      `call store: Redis at ${address} refused ${action}: ${message.slice(0, 200)}`,
      { address, action, cause: message },
    );
  const reason =
    error instanceof ClientOfflineError
      ? 'the connection is lost and the client is reconnecting'
      : error instanceof ClientClosedError
        ? 'the store is closed'
        : message;
  return new SiphookError(
    'STORE_UNAVAILABLE',
    `call store: Redis at ${address} is unreachable (${reason}); ${action} failed`,
    { address, action, cause: message },
  );
}
