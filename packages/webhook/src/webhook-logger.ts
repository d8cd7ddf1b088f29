/** One log method: structured fields first, then the message (pino's calling convention). */
export type LogMethod = (fields: Record<string, unknown>, message?: string) => void;

/**
 * The logger the handler writes to. A pino logger fits as it is; so does anything with these
 * methods. `isLevelEnabled` lets the handler skip building lines nobody reads.
 */
export interface WebhookLogger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /** A logger that adds `bindings` to every line (`call.log` carries `callId`). */
  child(bindings: Record<string, unknown>): WebhookLogger;
  isLevelEnabled?(level: string): boolean;
}

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const;
type LevelName = keyof typeof LEVELS;

/**
 * The default logger: one JSON line per entry (`level`, `time`, fields, `msg`, the numbers pino
 * uses), from `info` up, through `console.log`, which every runtime has. Pass your own (pino, …)
 * for anything more.
 */
export function createJsonLogger(
  level: LevelName = 'info',
  bindings: Record<string, unknown> = {},
): WebhookLogger {
  const threshold = LEVELS[level];
  const method =
    (name: LevelName): LogMethod =>
    (fields, message) => {
      if (LEVELS[name] < threshold) return;
      const line = { level: LEVELS[name], time: Date.now(), ...bindings, ...fields, msg: message };
      console.log(stringifySafely(line));
    };
  return {
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: (more) => createJsonLogger(level, { ...bindings, ...more }),
    isLevelEnabled: (name) => name in LEVELS && LEVELS[name as LevelName] >= threshold,
  };
}

function stringifySafely(line: Record<string, unknown>): string {
  try {
    return JSON.stringify(line);
  } catch {
    return JSON.stringify({ level: line.level, time: line.time, msg: String(line.msg) });
  }
}

/**
 * A thrown value as plain data a logger can always serialise: `{ type, message, stack, code? }`.
 * Reading a thrown object can itself throw (a Proxy, a getter): each read is guarded, so logging
 * an error never throws. The copy has no prototype, so pino's error serializer names it by its
 * `name` rather than as an `Object`.
 */
export function describeError(error: unknown): Record<string, unknown> {
  const described: Record<string, unknown> = Object.create(null);
  const read = (key: string): unknown => {
    try {
      return (error as Record<string, unknown>)[key];
    } catch {
      return undefined;
    }
  };
  if (typeof error !== 'object' || error === null) {
    described.type = typeof error;
    described.message = safeString(error);
    return described;
  }
  const name = read('name');
  const message = read('message');
  const stack = read('stack');
  const code = read('code');
  described.name = typeof name === 'string' ? name : 'Error';
  described.type = described.name;
  described.message = typeof message === 'string' ? message : safeString(message);
  if (typeof stack === 'string') described.stack = stack;
  if (typeof code === 'string' || typeof code === 'number') described.code = code;
  return described;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '(a value that cannot be shown)';
  }
}
