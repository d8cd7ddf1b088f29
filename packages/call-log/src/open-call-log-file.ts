import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { SiphookError } from '@siphook/schema';
import Database from 'better-sqlite3';
import type { CallLogChanges, CallLogReader, CallLogStore } from './call-log-store.js';
import type {
  CallDetail,
  CallPage,
  CallProblem,
  CallQuery,
  CallSummary,
  PushRecord,
  PushRecordInput,
} from './call-record.js';
import { createNumberHasher, hashRecordNumbers, type NumberHasher } from './hash-numbers.js';
import { CALL_LOG_APPLICATION_ID, MIGRATIONS } from './migrations.js';
import { decodeBody, decodePushRecord } from './push-exchange.js';
import { addToSummary, type SummarizedPush, summarizeCall } from './summarize-call.js';

/** Options of {@link openCallLogFile}. */
export interface CallLogFileOptions {
  /** Store phone numbers as keyed hashes (see {@link createNumberHasher}). Default false. */
  hashNumbers?: boolean;
  /**
   * Calls whose last push is older than this many ms are deleted in the background (checked a
   * second after opening, then hourly). 0 keeps everything. Default 30 days.
   */
  retentionMs?: number;
  /** Create the file when it does not exist. Default true. */
  create?: boolean;
}

/** A call log in a SQLite file: a store the webhook writes to and the inspector reads. */
export interface CallLogFile extends CallLogStore, CallLogReader {
  /** The file's absolute path. */
  readonly location: string;
  // SQLite answers at once: the same methods, without promises.
  append(pushes: readonly PushRecordInput[]): void;
  listCalls(query: CallQuery): CallPage;
  getCall(callId: string): CallDetail | undefined;
  changesSince(afterId: number): CallLogChanges;
  /** Deletes pushes older than the retention, and calls that ended before it; returns how many pushes. */
  prune(now?: number): number;
  /** Stops the background pruning and closes the file. */
  close(): void;
}

/** Default of {@link CallLogFileOptions.retentionMs}: 30 days. */
export const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const PRUNE_DELAY_MS = 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const PRUNE_CHUNK = 500;
// A full integrity check reads the whole file; past this size opening stays quick instead.
const QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024;
const MAX_CHANGES = 200;
/** A push's answer: its own text (logs before answers were shared) or the shared one. */
const ANSWER =
  'coalesce((SELECT text FROM answers WHERE id = pushes.answer_id), pushes.answer) AS answer';
const SUMMARY_CHUNK = 2000;

interface PushRow {
  id: number;
  call_id: string | null;
  received_at: number;
  method: string;
  path: string;
  remote_address: string | null;
  headers: string;
  body: string;
  event: PushRecord['event'];
  status: number;
  content_type: string | null;
  answer: string;
  duration_ms: number;
  signature: PushRecord['signature'];
  basic_auth: PushRecord['basicAuth'];
  route: string | null;
  branch: string | null;
}

type SummaryRow = Pick<
  PushRow,
  | 'id'
  | 'call_id'
  | 'received_at'
  | 'body'
  | 'event'
  | 'status'
  | 'content_type'
  | 'answer'
  | 'duration_ms'
>;

interface CallRow {
  call_id: string;
  started_at: number;
  ended_at: number;
  from_number: string | null;
  to_number: string | null;
  direction: CallSummary['direction'];
  outcome: CallSummary['outcome'];
  hangup_cause: string | null;
  pushes: number;
  worst_problem: string | null;
  last_push_id: number;
}

/**
 * Opens (or creates) a call log file: WAL mode, the schema brought up to date by its migrations,
 * old calls pruned in the background.
 *
 * @throws {SiphookError} `CALL_LOG_INVALID` naming the file when it is not a SQLite database, is
 *   corrupt, belongs to another program or to a newer siphook; `IO_ERROR` when it cannot be opened
 *   or created; `OPTIONS_INVALID` for a bad `retentionMs`.
 * @example
 * const log = openCallLogFile('calls.db', { retentionMs: 7 * 86_400_000 });
 * log.listCalls({ limit: 20, offset: 0 }).calls[0]?.outcome // 'dialed'
 */
export function openCallLogFile(file: string, options: CallLogFileOptions = {}): CallLogFile {
  const location = path.resolve(file);
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  if (!Number.isSafeInteger(retentionMs) || retentionMs < 0) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      `callLog retention: expected a number of ms >= 0; received ${String(retentionMs)}`,
      { path: 'retentionMs' },
    );
  }
  const db = openDatabase(location, options.create ?? true);
  let hash: NumberHasher | undefined;
  let statements: ReturnType<typeof prepare>;
  try {
    prepareSchema(db, location);
    const salt = readSalt(db);
    hash = options.hashNumbers === true ? createNumberHasher(salt) : undefined;
    statements = prepare(db);
    // The hasher of the log's salt, for filters: numbers stored hashed are found by their hash.
    const filterHash = createNumberHasher(salt);
    return createFileLog(db, location, statements, hash, filterHash, retentionMs);
  } catch (error) {
    db.close();
    throw asOpenError(error, location);
  }
}

function openDatabase(location: string, create: boolean): Database.Database {
  try {
    const db = new Database(location, { fileMustExist: !create });
    // Waiting for another writer blocks the event loop: keep it short, a failed write only warns.
    db.pragma('busy_timeout = 250');
    return db;
  } catch (error) {
    throw asOpenError(error, location);
  }
}

function asOpenError(error: unknown, location: string): SiphookError {
  if (error instanceof SiphookError) return error;
  const code = (error as { code?: string }).code ?? '';
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new SiphookError(
      'CALL_LOG_INVALID',
      `call log ${location}: not a readable SQLite database (${reason}); move it away or choose another file`,
      { file: location, sqlite: code },
      { cause: error },
    );
  }
  return new SiphookError(
    'IO_ERROR',
    `call log ${location}: cannot open (${reason})`,
    { file: location, sqlite: code },
    { cause: error },
  );
}

function invalid(location: string, problem: string): SiphookError {
  return new SiphookError('CALL_LOG_INVALID', `call log ${location}: ${problem}`, {
    file: location,
  });
}

/** Tells our files from others, refuses newer ones and migrates older ones. */
function prepareSchema(db: Database.Database, location: string): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  const tables = (
    db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all() as { name: string }[]
  ).map((row) => row.name);
  if (applicationId !== CALL_LOG_APPLICATION_ID) {
    if (applicationId !== 0 || tables.length > 0) {
      throw invalid(
        location,
        `a SQLite database of another program (application_id ${applicationId}, tables: ${tables.slice(0, 5).join(', ') || 'none'}); expected a siphook call log`,
      );
    }
  } else if (version > MIGRATIONS.length) {
    throw invalid(
      location,
      `written by a newer siphook (schema version ${version}; this one knows up to ${MIGRATIONS.length}); upgrade siphook or choose another file`,
    );
  }
  if (size(location) <= QUICK_CHECK_MAX_BYTES) {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw invalid(location, `corrupt (${String(check).slice(0, 80)})`);
  }
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  if (applicationId === CALL_LOG_APPLICATION_ID && version === MIGRATIONS.length) return;
  for (let step = version; step < MIGRATIONS.length; step++) {
    const migration = MIGRATIONS[step]!;
    try {
      db.transaction(() => {
        migration.up(db);
        db.pragma(`user_version = ${step + 1}`);
      })();
    } catch (error) {
      throw invalid(
        location,
        `could not migrate from schema version ${step} (${migration.description}): ${(error as Error).message}`,
      );
    }
  }
  db.pragma(`application_id = ${CALL_LOG_APPLICATION_ID}`);
}

function size(location: string): number {
  try {
    return statSync(location).size;
  } catch {
    return 0;
  }
}

/** The log's own salt for hashing numbers, made once when the log is new. */
function readSalt(db: Database.Database): string {
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'salt'`).get() as
    | { value: string }
    | undefined;
  if (row !== undefined) return row.value;
  const salt = randomBytes(16).toString('hex');
  db.prepare(`INSERT INTO meta (key, value) VALUES ('salt', ?)`).run(salt);
  return salt;
}

function prepare(db: Database.Database) {
  return {
    // Positional: binding an array is cheaper than binding named values, on every push.
    insertPush: db.prepare(`
      INSERT INTO pushes (call_id, received_at, method, path, remote_address, headers, body, event,
        status, content_type, answer, duration_ms, signature, basic_auth, route, branch, answer_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?)`),
    insertAnswer: db.prepare(`INSERT OR IGNORE INTO answers (text) VALUES (?)`),
    answerId: db.prepare(`SELECT id FROM answers WHERE text = ?`).pluck(),
    call: db.prepare(`SELECT * FROM calls WHERE call_id = ?`),
    upsertCall: db.prepare(`
      INSERT INTO calls (call_id, started_at, ended_at, from_number, to_number, direction, outcome,
        hangup_cause, pushes, worst_problem, last_push_id)
      VALUES (@call_id, @started_at, @ended_at, @from_number, @to_number, @direction, @outcome,
        @hangup_cause, @pushes, @worst_problem, @last_push_id)
      ON CONFLICT (call_id) DO UPDATE SET started_at = excluded.started_at,
        ended_at = excluded.ended_at, from_number = excluded.from_number,
        to_number = excluded.to_number, direction = excluded.direction,
        outcome = excluded.outcome, hangup_cause = excluded.hangup_cause,
        pushes = excluded.pushes, worst_problem = excluded.worst_problem,
        last_push_id = excluded.last_push_id`),
    pushesOfCall: db.prepare(
      `SELECT id, call_id, received_at, method, path, remote_address, headers, body, event, status, content_type, ${ANSWER}, duration_ms, signature, basic_auth, route, branch FROM pushes WHERE call_id = ? ORDER BY id`,
    ),
    // Only what a summary reads: the headers, where the push came from and went stay unread.
    pushesAfter: db.prepare(
      `SELECT id, call_id, received_at, body, event, status, content_type, ${ANSWER}, duration_ms FROM pushes WHERE id > ? ORDER BY id LIMIT ${SUMMARY_CHUNK}`,
    ),
    summarizedThrough: db.prepare(`SELECT value FROM meta WHERE key = 'summarized_through'`),
    setSummarizedThrough: db.prepare(
      `INSERT INTO meta (key, value) VALUES ('summarized_through', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ),
    lastId: db.prepare(`SELECT coalesce(max(id), 0) AS id FROM pushes`),
    firstId: db.prepare(`SELECT coalesce(min(id), 0) AS id FROM pushes`),
    pushAtOrAfter: db.prepare(
      `SELECT id, received_at FROM pushes WHERE id >= ? ORDER BY id LIMIT 1`,
    ),
    changedCalls: db.prepare(
      `SELECT * FROM calls WHERE last_push_id > ? ORDER BY last_push_id DESC LIMIT ${MAX_CHANGES}`,
    ),
    deleteOldPushes: db.prepare(
      `DELETE FROM pushes WHERE id IN (SELECT id FROM pushes WHERE id <= ? ORDER BY id LIMIT ${PRUNE_CHUNK})`,
    ),
    // Answers no push points at any more (after pruning); a full scan, so once per prune.
    deleteUnusedAnswers: db.prepare(
      `DELETE FROM answers WHERE id NOT IN (SELECT answer_id FROM pushes WHERE answer_id IS NOT NULL)`,
    ),
    deleteOldCalls: db.prepare(
      `DELETE FROM calls WHERE rowid IN (SELECT rowid FROM calls WHERE ended_at < ? LIMIT ${PRUNE_CHUNK})`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

function createFileLog(
  db: Database.Database,
  location: string,
  statements: Statements,
  hash: NumberHasher | undefined,
  filterHash: NumberHasher,
  retentionMs: number,
): CallLogFile {
  const listStatements = new Map<string, Database.Statement>();
  let closed = false;
  let pruneTimer: NodeJS.Timeout | undefined;

  // The push path only inserts rows: no decoding, no summary. That is the readers' job.
  const appendAll = db.transaction((pushes: readonly PushRecordInput[]) => {
    // Ids looked up in this transaction only: another process may prune answers between batches.
    const answerIds = new Map<string, number>();
    for (const input of pushes) {
      const record = hash === undefined ? input : hashRecordNumbers(input, hash);
      let answerId = answerIds.get(record.answer);
      if (answerId === undefined) {
        statements.insertAnswer.run(record.answer);
        answerId = statements.answerId.get(record.answer) as number;
        answerIds.set(record.answer, answerId);
      }
      statements.insertPush.run(
        record.callId,
        Math.round(record.receivedAt),
        record.method,
        record.path,
        record.remoteAddress,
        JSON.stringify(record.headers),
        record.body,
        record.event,
        record.status,
        record.contentType,
        record.durationMs,
        record.signature,
        record.basicAuth,
        record.route,
        record.branch,
        answerId,
      );
    }
  });

  /** Folds the pushes not yet summed up into the calls table, a chunk per transaction. */
  const summarizeChunk = db.transaction((): number => {
    const row = statements.summarizedThrough.get() as { value: string } | undefined;
    const through = row === undefined ? 0 : Number(row.value);
    const rows = statements.pushesAfter.all(through) as SummaryRow[];
    if (rows.length === 0) return 0;
    const touched = new Map<string, { summary: CallSummary; lastId: number }>();
    for (const pushRow of rows) {
      if (pushRow.call_id === null) continue;
      let summary = touched.get(pushRow.call_id)?.summary;
      if (summary === undefined) {
        const callRow = statements.call.get(pushRow.call_id) as CallRow | undefined;
        if (callRow !== undefined) summary = toSummary(callRow);
      }
      touched.set(pushRow.call_id, {
        summary: addToSummary(summary, toSummarizedPush(pushRow)),
        lastId: pushRow.id,
      });
    }
    for (const { summary, lastId } of touched.values()) {
      statements.upsertCall.run(toCallRow(summary, lastId));
    }
    statements.setSummarizedThrough.run(String(rows.at(-1)!.id));
    return rows.length;
  });

  const summarize = (): void => {
    try {
      while (summarizeChunk() === SUMMARY_CHUNK) {}
    } catch {
      // A read-only or busy file: the list shows the summaries it has.
    }
  };

  const listStatement = (query: CallQuery) => {
    const where: string[] = [];
    if (query.number !== undefined) {
      where.push(
        `(from_number LIKE @like ESCAPE '\\' OR to_number LIKE @like ESCAPE '\\' OR from_number = @hashed OR to_number = @hashed)`,
      );
    }
    if (query.since !== undefined) where.push('started_at >= @since');
    if (query.until !== undefined) where.push('started_at <= @until');
    if (query.outcome !== undefined) where.push('outcome = @outcome');
    const key = where.join(' AND ');
    let statement = listStatements.get(key);
    if (statement === undefined) {
      const clause = where.length === 0 ? '' : `WHERE ${key}`;
      statement = db.prepare(
        `SELECT *, count(*) OVER () AS total FROM calls ${clause} ORDER BY started_at DESC, call_id DESC LIMIT @limit OFFSET @offset`,
      );
      listStatements.set(key, statement);
    }
    return statement;
  };

  /**
   * The newest push older than `cutoff`. Ids grow with arrival, so a binary search over ids finds
   * it with a few lookups by primary key, without an index on the time.
   */
  const lastPushBefore = (cutoff: number): number => {
    let low = (statements.firstId.get() as { id: number }).id;
    let high = (statements.lastId.get() as { id: number }).id;
    let found = 0;
    while (low <= high) {
      const middle = Math.floor((low + high) / 2);
      const row = statements.pushAtOrAfter.get(middle) as
        | { id: number; received_at: number }
        | undefined;
      if (row !== undefined && row.received_at < cutoff) {
        found = row.id;
        low = row.id + 1;
      } else high = middle - 1;
    }
    return found;
  };

  const pruneChunk = db.transaction((cutoff: number, lastOld: number): number => {
    const pushes = lastOld === 0 ? 0 : statements.deleteOldPushes.run(lastOld).changes;
    const calls = statements.deleteOldCalls.run(cutoff).changes;
    // A full chunk of either means there may be more.
    return calls === PRUNE_CHUNK ? Math.max(pushes, PRUNE_CHUNK) : pushes;
  });

  const prune = (now = Date.now()): number => {
    if (retentionMs === 0 || closed) return 0;
    const cutoff = now - retentionMs;
    const lastOld = lastPushBefore(cutoff);
    let deleted = 0;
    for (;;) {
      const chunk = pruneChunk(cutoff, lastOld);
      deleted += chunk;
      if (chunk < PRUNE_CHUNK) break;
    }
    if (deleted > 0) statements.deleteUnusedAnswers.run();
    return deleted;
  };

  /** Prunes one chunk per event-loop turn, so a large backlog never blocks answering. */
  const pruneInBackground = (cutoff = Date.now() - retentionMs, lastOld?: number): void => {
    if (closed) return;
    try {
      const upTo = lastOld ?? lastPushBefore(cutoff);
      if (pruneChunk(cutoff, upTo) === PRUNE_CHUNK) {
        setImmediate(() => pruneInBackground(cutoff, upTo));
        return;
      }
      statements.deleteUnusedAnswers.run();
    } catch {
      // A busy or read-only file: the next round tries again.
    }
    pruneTimer = setTimeout(pruneInBackground, PRUNE_EVERY_MS);
    pruneTimer.unref();
  };
  if (retentionMs > 0) {
    pruneTimer = setTimeout(pruneInBackground, PRUNE_DELAY_MS);
    pruneTimer.unref();
  }

  return {
    location,
    append(pushes) {
      if (pushes.length > 0) appendAll(pushes);
    },
    listCalls(query): CallPage {
      summarize();
      const statement = listStatement(query);
      const parameters = listParameters(query, filterHash);
      const rows = statement.all(parameters) as (CallRow & { total: number })[];
      // A page past the end has no rows to carry the total: count with the first row instead.
      const total =
        rows[0]?.total ??
        (query.offset === 0
          ? 0
          : ((
              statement.get({ ...parameters, offset: 0, limit: 1 }) as { total: number } | undefined
            )?.total ?? 0));
      return { calls: rows.map(toSummary), total, offset: query.offset, limit: query.limit };
    },
    getCall(callId): CallDetail | undefined {
      const pushes = (statements.pushesOfCall.all(callId) as PushRow[]).map(toPush);
      const call = summarizeCall(pushes);
      return call === undefined ? undefined : { call, pushes };
    },
    changesSince(afterId): CallLogChanges {
      summarize();
      const lastId = (statements.lastId.get() as { id: number }).id;
      if (lastId <= afterId) return { lastId, calls: [] };
      const rows = statements.changedCalls.all(afterId) as CallRow[];
      return { lastId, calls: rows.map(toSummary) };
    },
    prune,
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(pruneTimer);
      db.close();
    },
  };
}

/** The bound values of a list query: the number both as a pattern and as its hash. */
function listParameters(query: CallQuery, filterHash: NumberHasher) {
  const number = query.number;
  return {
    like: number === undefined ? null : `%${number.replace(/[\\%_]/g, '\\$&')}%`,
    hashed: number === undefined ? null : filterHash(number),
    since: query.since ?? null,
    until: query.until ?? null,
    outcome: query.outcome ?? null,
    limit: query.limit,
    offset: query.offset,
  };
}

function toPush(row: PushRow): PushRecord {
  return decodePushRecord(
    {
      callId: row.call_id,
      receivedAt: row.received_at,
      method: row.method,
      path: row.path,
      remoteAddress: row.remote_address,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: row.body,
      event: row.event,
      status: row.status,
      contentType: row.content_type,
      answer: row.answer,
      durationMs: row.duration_ms,
      signature: row.signature,
      basicAuth: row.basic_auth,
      route: row.route,
      branch: row.branch,
    },
    row.id,
  );
}

// A summary needs the parties (newCall), the cause (hangup) and whether an unknown push decodes;
// a dtmf or answer push the webhook decoded is summed up by its event name alone.
const DECODED_FOR_SUMMARY = new Set<PushRecord['event']>(['newCall', 'hangup', null]);

function toSummarizedPush(row: SummaryRow): SummarizedPush {
  const { decoded, decodeError } = DECODED_FOR_SUMMARY.has(row.event)
    ? decodeBody(row.body)
    : { decoded: null, decodeError: null };
  return {
    id: row.id,
    callId: row.call_id,
    receivedAt: row.received_at,
    event: row.event,
    status: row.status,
    contentType: row.content_type,
    answer: row.answer,
    durationMs: row.duration_ms,
    decoded,
    decodeError,
  };
}

function toCallRow(summary: CallSummary, lastId: number): CallRow {
  return {
    call_id: summary.callId,
    started_at: summary.startedAt,
    ended_at: summary.endedAt,
    from_number: summary.from,
    to_number: summary.to,
    direction: summary.direction,
    outcome: summary.outcome,
    hangup_cause: summary.hangupCause,
    pushes: summary.pushes,
    worst_problem: summary.worstProblem === null ? null : JSON.stringify(summary.worstProblem),
    last_push_id: lastId,
  };
}

function toSummary(row: CallRow): CallSummary {
  return {
    callId: row.call_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    from: row.from_number,
    to: row.to_number,
    direction: row.direction,
    outcome: row.outcome,
    hangupCause: row.hangup_cause,
    durationMs: row.ended_at - row.started_at,
    pushes: row.pushes,
    worstProblem:
      row.worst_problem === null ? null : (JSON.parse(row.worst_problem) as CallProblem),
  };
}
