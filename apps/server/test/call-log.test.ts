import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSiphookError } from '@siphook/schema';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type SiphookServer } from '../src/index.js';
import { post, send } from './http-client.js';

const NEW_CALL =
  'event=newCall&callId=log-1&direction=in&from=492111234567&to=4915791234567&user%5B%5D=Alice';

describe('createServer with a call log', () => {
  let folder: string;
  let server: SiphookServer | undefined;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'siphook-server-log-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(folder, { recursive: true, force: true });
  });

  it('serves the inspector page and its API at /inspect/ on loopback', async () => {
    server = await createServer({
      port: 0,
      signature: false,
      logLevel: 'silent',
      callLog: path.join(folder, 'calls.db'),
    });
    expect(server.inspectUrl).toBe(`${server.url}/inspect/`);
    const page = await send(server.inspectUrl!);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<div id="app">');
    const list = await send(`${server.inspectUrl}api/calls`);
    expect(JSON.parse(list.body)).toEqual({ calls: [], total: 0, offset: 0, limit: 50 });
    const unknown = await send(`${server.inspectUrl}api/calls/nope`);
    expect(unknown.status).toBe(404);
    // Pushes still reach the webhook, and /inspectx is not the inspector.
    expect((await post(`${server.url}/`, NEW_CALL)).status).toBe(200);
    expect((await send(`${server.url}/inspectx`)).status).toBe(405);
  });

  it('has no /inspect/ without a call log', async () => {
    server = await createServer({ port: 0, signature: false, logLevel: 'silent' });
    expect(server.inspectUrl).toBeUndefined();
    expect((await send(`${server.url}/inspect/`)).status).toBe(405);
  });

  it('refuses to start on a non-loopback address without --inspect-auth, and asks for it with one', async () => {
    const file = path.join(folder, 'calls.db');
    let error: unknown;
    try {
      server = await createServer({ port: 0, host: '0.0.0.0', logLevel: 'silent', callLog: file });
    } catch (caught) {
      error = caught;
    }
    expect(isSiphookError(error, 'OPTIONS_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(
      /^--inspect-auth: required when the inspector listens on 0\.0\.0\.0/,
    );
    server = await createServer({
      port: 0,
      host: '0.0.0.0',
      signature: false,
      logLevel: 'silent',
      callLog: file,
      inspectAuth: { basic: { username: 'ops', password: 'secret' } },
    });
    const refused = await send(`${server.inspectUrl}api/calls`);
    expect(refused.status).toBe(401);
    const allowed = await send(`${server.inspectUrl}api/calls`, {
      headers: { authorization: `Basic ${Buffer.from('ops:secret').toString('base64')}` },
    });
    expect(allowed.status).toBe(200);
  });

  it('refuses a file that is not a call log, naming it, and never listens', async () => {
    const file = path.join(folder, 'notes.db');
    await writeFile(file, 'a text file, not a database\n'.repeat(100));
    let error: unknown;
    try {
      server = await createServer({ port: 0, logLevel: 'silent', callLog: file });
    } catch (caught) {
      error = caught;
    }
    expect(isSiphookError(error, 'CALL_LOG_INVALID')).toBe(true);
    expect((error as Error).message).toContain(file);
  });

  it('warns once and answers calls when the log cannot be opened', async () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) },
    );
    const file = path.join(folder, 'no such folder', 'calls.db');
    server = await createServer({ port: 0, signature: false, logger, callLog: file });
    expect(server.inspectUrl).toBeUndefined();
    expect((await post(`${server.url}/`, NEW_CALL)).status).toBe(200);
    const warnings = lines.filter((line) => line.msg.includes('call log'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain(`call log ${file}: cannot open`);
    expect(warnings[0]?.msg).toContain('calls are answered but not recorded');
  });
});
