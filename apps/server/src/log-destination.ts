import { pino } from 'pino';

/** A pino destination that gathers the lines of one event-loop turn into a single write. */
export interface LogDestination {
  /** Takes one pino line; it is written at the end of this event-loop turn at the latest. */
  write(line: string): boolean;
  /** Writes what is gathered now, synchronously (pino's `logger.flush()` calls this too). */
  flush(callback?: (error?: Error) => void): void;
  /**
   * Writes what is gathered; later lines are written one by one, at once. The file descriptor
   * stays open (it is usually stderr).
   */
  end(): void;
}

/** Past this many characters gathered, they are written at once instead of at the end of the turn. */
const MAX_PENDING = 64 * 1024;

/** Every open destination, so that one process `exit` hook flushes them all. */
const open = new Set<() => void>();
let exitHooked = false;

/**
 * Creates the server's log destination: pino lines are gathered during one event-loop turn and
 * written together, synchronously, in a `setImmediate` at the end of it. Under load a turn answers
 * several requests, and one write(2) replaces one per line (a syscall per request was the largest
 * cost of logging at `info`); when idle a line still goes out within the same turn.
 *
 * Nothing is lost on the way out: the lines gathered so far are written synchronously on process
 * `exit`, which Node emits for `process.exit()`, for the end of the event loop and for an uncaught
 * exception. (A SIGKILL or a native crash loses at most the current turn's lines.) The writes go
 * through pino's own synchronous SonicBoom, which retries EAGAIN and partial writes.
 *
 * @example
 * const logger = pino({ level: 'info' }, createLogDestination(2));
 */
export function createLogDestination(fd: number): LogDestination {
  const sonic = pino.destination({ dest: fd, sync: true });
  let pending = '';
  let scheduled = false;
  let ended = false;
  const writePending = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    sonic.write(text);
  };
  open.add(writePending);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', () => {
      for (const flush of open) flush();
    });
  }
  return {
    write(line) {
      if (ended) {
        sonic.write(line);
        return true;
      }
      pending += line;
      if (pending.length >= MAX_PENDING) writePending();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(writePending);
      }
      return true;
    },
    flush(callback) {
      writePending();
      callback?.();
    },
    end() {
      writePending();
      ended = true;
      open.delete(writePending);
    },
  };
}
