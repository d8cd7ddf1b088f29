import { isSiphookError, type WebhookEvent } from '@siphook/schema';
import { describeError, type WebhookLogger } from './webhook-logger.js';

/**
 * One push and its answer, as the log line records them: the one place where both are known, so
 * a call log (issue 14) records from here too.
 */
export interface PushRecord {
  /** `performance.now()` when the push arrived. */
  readonly startedAt: number;
  readonly request: Request;
  /** The body as received, when it was read. */
  readonly rawBody: Uint8Array | undefined;
  readonly remoteAddress: string | undefined;
  /** The decoded push, when it got that far. */
  readonly event: WebhookEvent | undefined;
  readonly status: number;
  /** `OK`, or the error code of the JSON answer. */
  readonly code: string;
  /** The answer: XML for 200, JSON otherwise. */
  readonly body: string;
}

/** The handler's log lines. No method ever throws, whatever it is given or the logger does. */
export interface PushLog {
  /**
   * The one place where a push and its answer are both known: one line per push, `push answered`
   * (info, the XML at debug) or `push refused` (warn).
   */
  finished(record: PushRecord): void;
  /** The `warnings` a decoded push carries (informational fields of an unexpected shape). */
  warnings(event: WebhookEvent): void;
  /**
   * A handler or store failure: `step` is the handler's option name or the store call, `fallback`
   * says whether the fallback was answered.
   */
  failure(event: WebhookEvent, step: string, error: unknown, fallback: boolean): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Builds the push log over a logger. */
export function createPushLog(logger: WebhookLogger): PushLog {
  const enabled = (level: string): boolean => {
    try {
      return logger.isLevelEnabled?.(level) ?? true;
    } catch {
      return false;
    }
  };
  const write = (
    level: 'debug' | 'info' | 'warn' | 'error',
    fields: Record<string, unknown>,
    message: string,
  ): void => {
    try {
      logger[level](fields, message);
    } catch (error) {
      // A logger that cannot write this line gets one it can: the message and why.
      try {
        logger[level]({ logError: describeError(error) }, message);
      } catch {}
    }
  };

  return {
    finished(record) {
      const durationMs = Math.round((performance.now() - record.startedAt) * 100) / 100;
      const callId = record.event?.callId;
      const event = record.event?.event;
      if (record.status < 400) {
        if (enabled('info')) {
          write('info', { callId, event, status: record.status, durationMs }, 'push answered');
        }
        if (enabled('debug')) write('debug', { callId, event, xml: record.body }, 'response xml');
      } else if (enabled('warn')) {
        write(
          'warn',
          {
            callId,
            event,
            status: record.status,
            code: record.code,
            remoteAddress: record.remoteAddress,
            durationMs,
          },
          'push refused',
        );
      }
    },
    warnings(event) {
      // `warnings` comes with @siphook/schema's liberal decoding; older versions have none.
      const warnings = (event as { warnings?: unknown }).warnings;
      if (!Array.isArray(warnings) || warnings.length === 0 || !enabled('warn')) return;
      write(
        'warn',
        { callId: event.callId, event: event.event, warnings },
        `${event.event} push has fields of an unexpected shape; kept as sent`,
      );
    },
    failure(event, step, error, fallback) {
      const fields = { callId: event.callId, event: event.event };
      const answered = fallback ? 'answered the fallback' : 'answered the response';
      try {
        if (isSiphookError(error, 'RESPONSE_INVALID')) {
          write(
            'error',
            { ...fields, issues: error.issues },
            `${step} returned an invalid response; ${answered}\n${error.message}`,
          );
        } else if (isSiphookError(error)) {
          write(
            'error',
            { ...fields, err: describeError(error) },
            `${step}: ${error.message}; ${answered}`,
          );
        } else {
          write('error', { ...fields, err: describeError(error) }, `${step} failed; ${answered}`);
        }
      } catch {
        // `error` defeated even the checks above (a Proxy whose traps throw).
        write('error', fields, `${step} failed with a value that cannot be read; ${answered}`);
      }
    },
    warn: (fields, message) => write('warn', fields, message),
    error: (fields, message) => write('error', fields, message),
  };
}
