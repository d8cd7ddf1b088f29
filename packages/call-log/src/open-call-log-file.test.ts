import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isSiphookError } from '@siphook/schema';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, newCall, temporaryFolder } from '../test/exchanges.js';
import { CallQuerySchema } from './call-record.js';
import { CALL_LOG_APPLICATION_ID, MIGRATIONS } from './migrations.js';
import { type CallLogFile, openCallLogFile } from './open-call-log-file.js';
import { toPushRecord } from './push-exchange.js';

const query = (input: Record<string, string> = {}) => CallQuerySchema.parse(input);
const DIAL = { actions: [{ action: 'Dial' as const, target: { numbers: ['4915799912345'] } }] };
const GATHER = {
  actions: [
    {
      action: 'Gather' as const,
      onData: 'http://127.0.0.1:3000/dtmf',
      play: { action: 'Play' as const, url: 'http://127.0.0.1:3000/audio/welcome.wav' },
    },
  ],
};

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('openCallLogFile', () => {
  let folder: string;
  let remove: () => void;
  let log: CallLogFile | undefined;
  beforeEach(() => {
    ({ folder, remove } = temporaryFolder());
  });
  afterEach(() => {
    log?.close();
    log = undefined;
    remove();
  });
  const open = (options = {}) => {
    log = openCallLogFile(path.join(folder, 'calls.db'), { retentionMs: 0, ...options });
    return log;
  };

  it('keeps pushes in WAL mode and sums each call up: parties, outcome, cause, duration', () => {
    const store = open();
    const t = Date.now();
    store.append([
      toPushRecord(exchange(newCall('call-1'), GATHER, { receivedAt: t })),
      toPushRecord(
        exchange({ event: 'dtmf', callId: 'call-1', dtmf: '1' }, DIAL, {
          receivedAt: t + 5000,
          path: '/dtmf',
        }),
      ),
    ]);
    store.append([
      toPushRecord(
        exchange({ event: 'hangup', callId: 'call-1', cause: 'normalClearing' }, undefined, {
          receivedAt: t + 65_000,
          path: '/hangup',
        }),
      ),
    ]);
    const page = store.listCalls(query());
    expect(page.total).toBe(1);
    expect(page.calls[0]).toMatchObject({
      callId: 'call-1',
      from: '492111234567',
      to: '4915791234567',
      direction: 'in',
      outcome: 'dialed',
      hangupCause: 'normalClearing',
      durationMs: 65_000,
      pushes: 3,
      worstProblem: null,
    });
    const detail = store.getCall('call-1');
    expect(detail?.pushes.map((push) => push.event)).toEqual(['newCall', 'dtmf', 'hangup']);
    expect(detail?.pushes[1]?.path).toBe('/dtmf');
    expect(store.getCall('nope')).toBeUndefined();
    const db = new Database(store.location, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('application_id', { simple: true })).toBe(CALL_LOG_APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('names the worst problem: an error answer beats a later warning, and makes the call an error', () => {
    const store = open();
    store.append([
      toPushRecord(
        exchange(newCall('bad'), {
          status: 401,
          body: '{"error":{"code":"SIGNATURE_INVALID","message":"X-Sipgate-Signature does not verify"}}',
        }),
      ),
    ]);
    const call = store.listCalls(query()).calls[0];
    expect(call?.outcome).toBe('error');
    expect(call?.worstProblem).toMatchObject({
      severity: 'error',
      code: 'SIGNATURE_INVALID',
      message: 'answered 401: X-Sipgate-Signature does not verify',
    });
  });

  it('shows a field of an unexpected shape as a warning, not an error', () => {
    const store = open();
    store.append([
      toPushRecord({
        ...exchange(newCall('odd'), DIAL),
        body: 'event=newCall&callId=odd&direction=in&from=%2B49211&to=4915791234567',
      }),
    ]);
    const call = store.listCalls(query()).calls[0];
    expect(call?.outcome).toBe('dialed');
    expect(call?.worstProblem).toMatchObject({ severity: 'warning', code: 'FIELD_INVALID' });
    expect(call?.worstProblem?.message).toMatch(/^from: expected/);
  });

  it('lists newest first, a page at a time, filtered by number, outcome and date', () => {
    const store = open();
    const day = Date.parse('2026-05-01T10:00:00Z');
    const records = [];
    for (let i = 0; i < 120; i++) {
      const rejected = i % 3 === 0;
      records.push(
        toPushRecord(
          exchange(
            newCall(`c${String(i).padStart(3, '0')}`, { from: `4930${1000 + i}` }),
            rejected ? { actions: [{ action: 'Reject' }] } : DIAL,
            { receivedAt: day + i * 60_000 },
          ),
        ),
      );
    }
    store.append(records);
    const first = store.listCalls(query({ limit: '50' }));
    expect(first.total).toBe(120);
    expect(first.calls.map((call) => call.callId).slice(0, 2)).toEqual(['c119', 'c118']);
    const third = store.listCalls(query({ limit: '50', offset: '100' }));
    expect(third.calls).toHaveLength(20);
    expect(third.calls.at(-1)?.callId).toBe('c000');
    expect(store.listCalls(query({ offset: '500' }))).toMatchObject({ calls: [], total: 120 });
    expect(store.listCalls(query({ number: '301005' })).calls.map((c) => c.callId)).toEqual([
      'c005',
    ]);
    expect(store.listCalls(query({ outcome: 'rejected' })).total).toBe(40);
    const hour = store.listCalls(
      query({ since: '2026-05-01T11:00:00Z', until: '2026-05-01T11:09:59Z' }),
    );
    expect(hour.calls.map((call) => call.callId)).toEqual([
      'c069',
      'c068',
      'c067',
      'c066',
      'c065',
      'c064',
      'c063',
      'c062',
      'c061',
      'c060',
    ]);
    // LIKE wildcards in the filter are plain text, never patterns.
    expect(() => query({ number: '%' })).toThrow();
  });

  it('stores numbers hashed when asked, and still finds a call by its whole number', () => {
    const store = open({ hashNumbers: true });
    store.append([
      toPushRecord(exchange(newCall('h1', { diversion: '4921100000' }), DIAL)),
      toPushRecord(
        exchange(
          {
            event: 'answer',
            callId: 'h1',
            user: 'Alice',
            from: '492111234567',
            answeringNumber: '4915799912345',
          },
          undefined,
          { path: '/answer' },
        ),
      ),
    ]);
    const detail = store.getCall('h1')!;
    const text = JSON.stringify(detail);
    for (const number of ['492111234567', '4915791234567', '4921100000', '4915799912345']) {
      expect(text).not.toContain(number);
    }
    expect(detail.call.from).toMatch(/^0000\d{11}$/);
    expect(detail.pushes[0]?.answer).toMatch(/<Number>0000\d{11}<\/Number>/);
    // Still a push that decodes, and an answer that is valid XML.
    expect(detail.pushes.map((push) => push.decodeError)).toEqual([null, null]);
    expect(detail.call.worstProblem).toBeNull();
    expect(detail.pushes[0]?.body).toContain('user%5B%5D=Alice');
    expect(store.listCalls(query({ number: '492111234567' })).calls[0]?.callId).toBe('h1');
    expect(store.listCalls(query({ number: '4921112' })).total).toBe(0);
  });

  it('prunes pushes older than the retention, and the calls that ended before it', () => {
    const store = open({ retentionMs: 24 * 3_600_000 });
    const now = Date.now();
    store.append([
      toPushRecord({ ...exchange(newCall('x'), DIAL), body: 'garbage', receivedAt: now - 5e9 }),
      toPushRecord(exchange(newCall('old'), DIAL, { receivedAt: now - 3 * 86_400_000 })),
      toPushRecord(exchange(newCall('new'), DIAL, { receivedAt: now - 3_600_000 })),
    ]);
    expect(store.listCalls(query()).total).toBe(2);
    expect(store.prune(now)).toBe(2);
    expect(store.listCalls(query()).calls.map((call) => call.callId)).toEqual(['new']);
    expect(store.getCall('old')).toBeUndefined();
    const db = new Database(store.location, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM pushes').get()).toEqual({ n: 1 });
    db.close();
  });

  it('stores each distinct answer once, gives every push its own back, and prunes unused ones', () => {
    const store = open({ retentionMs: 24 * 3_600_000 });
    const now = Date.now();
    const pushes = [
      exchange(newCall('a1'), DIAL, { receivedAt: now - 3 * 86_400_000 }),
      exchange(newCall('a2'), GATHER, { receivedAt: now - 3_600_000 }),
      exchange(newCall('a3'), GATHER, { receivedAt: now - 3_600_000 }),
    ].map(toPushRecord);
    store.append(pushes.slice(0, 2));
    store.append(pushes.slice(2));
    expect(pushes[0]!.answer).not.toBe(pushes[1]!.answer);
    for (const push of pushes)
      expect(store.getCall(push.callId!)!.pushes[0]?.answer).toBe(push.answer);
    const count = () => {
      const db = new Database(store.location, { readonly: true });
      const answers = db.prepare('SELECT count(*) AS n FROM answers').get();
      db.close();
      return answers;
    };
    expect(count()).toEqual({ n: 2 });
    expect(store.prune(now)).toBe(1);
    expect(count()).toEqual({ n: 1 });
    expect(store.getCall('a3')!.pushes[0]?.answer).toBe(pushes[2]!.answer);
  });

  it('refuses a file that is not SQLite, naming it', () => {
    const file = path.join(folder, 'notes.db');
    writeFileSync(file, 'this is a text file, not a database\n'.repeat(200));
    const error = catchError(() => openCallLogFile(file));
    expect(isSiphookError(error, 'CALL_LOG_INVALID')).toBe(true);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/not a readable SQLite database/);
  });

  it('refuses a corrupt call log, naming it', () => {
    const file = path.join(folder, 'calls.db');
    const store = openCallLogFile(file, { retentionMs: 0 });
    store.append([toPushRecord(exchange(newCall('c1'), DIAL))]);
    store.close();
    // Overwrite the pages after the header: the file still starts like SQLite.
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(file);
    bytes.fill(0xa5, 100);
    writeFileSync(file, bytes);
    const error = catchError(() => openCallLogFile(file));
    expect(isSiphookError(error, 'CALL_LOG_INVALID')).toBe(true);
    expect((error as Error).message).toContain(file);
  });

  it('refuses a SQLite database of another program, and one of a newer siphook', () => {
    const foreign = path.join(folder, 'shop.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY)');
    db.close();
    const error = catchError(() => openCallLogFile(foreign));
    expect(isSiphookError(error, 'CALL_LOG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/another program .*tables: orders/);
    expect((error as Error).message).toContain(foreign);

    const newer = path.join(folder, 'newer.db');
    openCallLogFile(newer, { retentionMs: 0 }).close();
    const raw = new Database(newer);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    const tooNew = catchError(() => openCallLogFile(newer));
    expect(isSiphookError(tooNew, 'CALL_LOG_INVALID')).toBe(true);
    expect((tooNew as Error).message).toMatch(/newer siphook/);
  });

  it('migrates a log of the first schema version and sums up its calls', () => {
    const file = path.join(folder, 'v1.db');
    const db = new Database(file);
    MIGRATIONS[0]!.up(db);
    db.pragma('user_version = 1');
    db.pragma(`application_id = ${CALL_LOG_APPLICATION_ID}`);
    const record = toPushRecord(exchange(newCall('from-v1'), DIAL));
    db.prepare(
      `INSERT INTO pushes (call_id, received_at, method, path, remote_address, headers, body, event, status, content_type, answer, duration_ms, signature, basic_auth, route, branch)
       VALUES (?, ?, 'POST', '/', NULL, '{}', ?, 'newCall', 200, ?, ?, 3, 'valid', 'unchecked', NULL, NULL)`,
    ).run(record.callId, record.receivedAt, record.body, record.contentType, record.answer);
    db.close();
    const store = openCallLogFile(file, { retentionMs: 0 });
    log = store;
    expect(store.listCalls(query()).calls[0]).toMatchObject({
      callId: 'from-v1',
      outcome: 'dialed',
    });
    // A push of the first version keeps its own answer text.
    expect(store.getCall('from-v1')!.pushes[0]?.answer).toBe(record.answer);
  });

  it('says it cannot open a file in a folder that does not exist', () => {
    const file = path.join(folder, 'missing', 'calls.db');
    const error = catchError(() => openCallLogFile(file));
    expect(isSiphookError(error, 'IO_ERROR')).toBe(true);
    expect((error as Error).message).toContain(file);
    expect(existsSync(file)).toBe(false);
  });
});
