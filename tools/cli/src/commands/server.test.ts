import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../test/cli-harness.js';
import { startServerProcess } from '../../test/server-process.js';

const NEW_CALL =
  'from=492111234567&to=4915791234567&direction=in&event=newCall&callId=123456&user[]=Alice&user[]=Bob';

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** True once a new connection is refused (the server stopped listening), within 10 s. */
async function refusedSoon(url: string): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const refused = await post(url, NEW_CALL).then(
      () => false,
      (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
    );
    if (refused) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Starts the real bin and resolves with the process and its startup JSON line. */
const startBin = (args: string[], env: Record<string, string> = {}) =>
  startServerProcess(args, children, env);

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('siphook server (in-process)', () => {
  it('prints help naming every option and the environment', async () => {
    const { code, stdout } = await run(['server', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--flow',
      '--port',
      '--host',
      '--public-url',
      '--basic-auth',
      '--no-signature',
      '--trust-key',
      '--tls-cert',
      '--tls-key',
      '--log-level',
      '--json',
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain('SIPHOOK_SIGNATURE=off');
  });

  it('exits 2 with the flow problem and its line for an invalid flow file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'siphook-cli-flow-'));
    try {
      const file = path.join(dir, 'bad.yaml');
      await writeFile(file, 'routes:\n  - actions:\n      - dial: "+49 211"\n');
      const { code, stderr } = await run(['server', '--port', '0', '--flow', file]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/bad\.yaml:3:\d+: routes\[0\]\.actions\[0\]\.dial: expected/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 for a bad --basic-auth or --port', async () => {
    expect((await run(['server', '--port', '0', '--basic-auth', 'nocolon'])).code).toBe(2);
    const port = await run(['server', '--port', 'eighty']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('expected an integer from 0 to 65535');
  });

  it('exits 2 and says why for a SIPHOOK_SIGNATURE that is neither on nor off', async () => {
    vi.stubEnv('SIPHOOK_SIGNATURE', 'maybe');
    try {
      const result = await run(['server', '--port', '0']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('SIPHOOK_SIGNATURE: expected on or off; received "maybe"');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('serves until its signal aborts, printing the banner with the dashboard URL', async () => {
    const controller = new AbortController();
    const { code, stdout } = await run(
      ['server', '--port', '0', '--no-signature', '--log-level', 'silent'],
      controller.signal,
    );
    expect(code).toBe(0);
    const url = /Webhook URL for the sipgate\.io dashboard.*\n {2}(\S+)/.exec(stdout)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(stdout).toContain(`npx siphook simulate ${url} --dtmf 1`);
    expect(stdout).toContain('Signatures: OFF');
    expect((await post(url!, NEW_CALL)).status).toBe(200);
    controller.abort();
    expect(await refusedSoon(url!)).toBe(true);
  });
});

describe('siphook server (the real bin)', { timeout: 30_000 }, () => {
  it('reads PORT and SIPHOOK_SIGNATURE from the environment', async () => {
    const { child, info } = await startBin([], { PORT: '0', SIPHOOK_SIGNATURE: 'off' });
    expect(info.listenUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.listenUrl).not.toMatch(/:3000$/);
    expect((await post(info.webhookUrl, NEW_CALL)).status).toBe(200);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('keeps signatures on by default: an unsigned push gets 401', async () => {
    const { child, info } = await startBin(['--port', '0']);
    expect((await post(info.webhookUrl, NEW_CALL)).status).toBe(401);
    child.kill('SIGTERM');
    expect((await once(child, 'exit'))[0]).toBe(0);
  });

  it('on SIGTERM finishes the request in flight, refuses new connections, then exits 0', async () => {
    const { child, info } = await startBin(['--port', '0', '--no-signature']);
    const target = new URL(info.webhookUrl);
    const exited = once(child, 'exit');
    // The server has the headers once it answers `100 Continue`; the body follows the SIGTERM.
    const request = http.request({
      host: target.hostname,
      port: target.port,
      method: 'POST',
      agent: false,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': NEW_CALL.length,
        Expect: '100-continue',
      },
    });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
    });
    request.flushHeaders();
    await once(request, 'continue');
    child.kill('SIGTERM');
    expect(await refusedSoon(info.webhookUrl)).toBe(true);
    expect(child.exitCode).toBeNull();
    request.end(NEW_CALL);
    const reply = await answered;
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<Gather');
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
