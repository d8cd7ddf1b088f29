import path from 'node:path';
import { isSiphookError } from '@siphook/schema';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, newCall, temporaryFolder } from '../test/exchanges.js';
import { CallQuerySchema } from './call-record.js';
import { createCallLog } from './create-call-log.js';
import { type CallLogFile, openCallLogFile } from './open-call-log-file.js';

describe('createCallLog', () => {
  let folder: string;
  let remove: () => void;
  let store: CallLogFile;
  beforeEach(() => {
    ({ folder, remove } = temporaryFolder());
    store = openCallLogFile(path.join(folder, 'calls.db'), { retentionMs: 0 });
  });
  afterEach(() => {
    store.close();
    remove();
  });

  it('saves queued pushes in one batch after the current turn, without secrets', async () => {
    const log = createCallLog({ store });
    log.record(
      exchange(newCall('secret-1'), undefined, {
        headers: {
          Authorization: 'Basic c2lwZ2F0ZTpzM2NyZXQ=',
          'X-Sipgate-Signature': 'c2lnbmF0dXJl',
          Cookie: 'session=1',
          'User-Agent': 'sipgate.io',
          'content-type': 'application/x-www-form-urlencoded',
        },
        basicAuth: 'valid',
      }),
    );
    log.record(exchange({ event: 'hangup', callId: 'secret-1', cause: 'cancel' }));
    // Nothing is written while the push is being answered.
    expect(store.listCalls(CallQuerySchema.parse({})).total).toBe(0);
    await log.flush();
    const detail = store.getCall('secret-1')!;
    expect(detail.pushes).toHaveLength(2);
    const stored = JSON.stringify(detail);
    expect(stored).not.toMatch(/c2lwZ2F0ZTpzM2NyZXQ=|c2lnbmF0dXJl|session=1/);
    expect(stored.toLowerCase()).not.toMatch(/authorization|x-sipgate-signature|cookie/);
    expect(detail.pushes[0]?.headers).toEqual({
      'user-agent': 'sipgate.io',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(detail.pushes[0]?.basicAuth).toBe('valid');
  });

  it('keeps a raw header list (node:http rawHeaders) without secrets, repeated names joined', async () => {
    const log = createCallLog({ store });
    log.record(
      exchange(newCall('raw-1'), undefined, {
        headers: [
          'Host',
          'example.test',
          'authorization',
          'Basic c2lwZ2F0ZTpzM2NyZXQ=',
          'X-Sipgate-Signature',
          'c2lnbmF0dXJl',
          'Via',
          'a',
          'VIA',
          'b',
        ],
      }),
    );
    await log.flush();
    const [push] = store.getCall('raw-1')!.pushes;
    expect(push?.headers).toEqual({ host: 'example.test', via: 'a, b' });
    expect(JSON.stringify(push)).not.toMatch(/c2lwZ2F0ZTpzM2NyZXQ=|c2lnbmF0dXJl/);
  });

  it('keeps a body that does not decode, under the callId it names, with the reason', async () => {
    const log = createCallLog({ store });
    log.record({ ...exchange(newCall('x')), body: 'event=ring&callId=77', status: 400 });
    await log.flush();
    const [push] = store.getCall('77')!.pushes;
    expect(push).toMatchObject({ callId: '77', event: null, decoded: null, status: 400 });
    expect(push?.decodeError?.code).toBe('EVENT_UNKNOWN');
  });

  it('warns once when the file cannot be written, and keeps recording without throwing', async () => {
    const warnings: string[] = [];
    const log = createCallLog({ store, onWarning: (message) => warnings.push(message) });
    // Another connection holds the write lock: every write of the log fails with SQLITE_BUSY.
    const other = new Database(store.location);
    other.exec('BEGIN EXCLUSIVE');
    try {
      log.record(exchange(newCall('busy-1')));
      await log.flush();
      log.record(exchange(newCall('busy-2')));
      log.record(exchange(newCall('busy-3')));
      await log.flush();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(store.location);
    expect(warnings[0]).toMatch(/could not save 1 push\(es\).*calls are still answered/);
    expect(log.failed).toBe(3);
    log.record(exchange(newCall('after')));
    await log.flush();
    expect(store.getCall('after')).toBeDefined();
  });

  it('refuses a store without append', () => {
    let error: unknown;
    try {
      createCallLog({ store: {} as never });
    } catch (caught) {
      error = caught;
    }
    expect(isSiphookError(error, 'OPTIONS_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/^callLog\.store: expected an object with append/);
  });
});
