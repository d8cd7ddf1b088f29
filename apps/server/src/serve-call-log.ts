import {
  type CallLog,
  type CallLogFile,
  createCallLog,
  createInspector,
  type InspectAuth,
  inspectorListener,
  openCallLogFile,
  requireInspectAuth,
} from '@siphook/call-log';
import { isSiphookError } from '@siphook/schema';
import type { NodeListener } from '@siphook/webhook';
import type { Logger } from 'pino';

/** What {@link openServerCallLog} needs from the server's configuration. */
export interface ServerCallLogOptions {
  /** The SQLite file. */
  file: string;
  retentionMs?: number | undefined;
  hashNumbers?: boolean | undefined;
  /** Basic auth or a token for `/inspect/`; required when `host` is not loopback. */
  auth?: InspectAuth | undefined;
  /** The address the server listens on. */
  host: string;
  /** Where the inspector page is served, e.g. `/inspect`. */
  basePath: string;
}

/** A server's call log: what the webhook records into, and the inspector page over it. */
export interface ServerCallLog {
  /** The webhook handler's `callLog`; undefined when the file could not be opened (warned). */
  recorder: CallLog | undefined;
  /** Answers requests under `/inspect`; undefined without a readable log. */
  inspector: NodeListener | undefined;
  /** Saves what is still queued, ends live streams and closes the file. */
  close(): Promise<void>;
}

/**
 * Opens the call log of `siphook server --call-log FILE`. A file that is not a call log (not
 * SQLite, corrupt, another program's, a newer siphook's) stops the start with an error naming it;
 * one that cannot be opened or written is warned about once, and calls are answered anyway.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` without `auth` on an address other than loopback, or
 *   for a bad retention; `CALL_LOG_INVALID` for a file that is not a call log.
 */
export function openServerCallLog(options: ServerCallLogOptions, logger: Logger): ServerCallLog {
  requireInspectAuth(options.host, options.auth);
  let file: CallLogFile;
  try {
    file = openCallLogFile(options.file, {
      ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
      hashNumbers: options.hashNumbers === true,
    });
  } catch (error) {
    if (!isSiphookError(error, 'IO_ERROR')) throw error;
    logger.warn(
      { callLog: options.file },
      `${error.message}; calls are answered but not recorded, and /inspect/ is off`,
    );
    return { recorder: undefined, inspector: undefined, close: async () => {} };
  }
  const recorder = createCallLog({
    store: file,
    onWarning: (message) => logger.warn({ callLog: file.location }, message),
  });
  const inspector = createInspector({
    reader: file,
    basePath: options.basePath,
    ...(options.auth === undefined ? {} : { auth: options.auth }),
  });
  return {
    recorder,
    inspector: inspectorListener(inspector),
    async close() {
      await recorder.flush();
      inspector.close();
      file.close();
    },
  };
}
