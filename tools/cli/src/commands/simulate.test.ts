import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type SiphookServer } from '@siphook/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pcmWav, run } from '../../test/cli-harness.js';

/** 8 kHz is what sipgate.io plays; 44.1 kHz plays as noise. Mono 16-bit PCM, silence. */
const wav = (rate: number, seconds: number): Buffer =>
  pcmWav({ rate, frames: Math.round(rate * seconds) });

// A deliberately broken server (one fault per path) that also accepts anything unsigned.
let broken: Server;
let brokenUrl: string;
let reference: SiphookServer;
let keyDir: string;

beforeAll(async () => {
  broken = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const base = brokenUrl;
      const xml = (body: string, type = 'application/xml', delay = 0) =>
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(200, { 'content-type': type }).end(body);
        }, delay).unref();
      switch (req.url) {
        case '/wrong-type':
          return xml('<Response><Hangup/></Response>', 'text/html');
        case '/invalid-xml':
          return xml(`<Response>\n  <Play><Url>${base}/44k.wav</Url>\n</Response>`);
        case '/play-44k':
          return xml(`<Response><Play><Url>${base}/44k.wav</Url></Play><Hangup/></Response>`);
        case '/gather-without-ondata':
          return xml('<Response>\n  <Gather maxDigits="1"/>\n</Response>');
        case '/slow':
          return xml('<Response><Hangup/></Response>', 'application/xml', 600);
        case '/44k.wav':
          return res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav(44_100, 0.2));
        case '/ok':
          return xml('<Response><Reject reason="busy"/></Response>');
        default:
          return xml('<Response/>');
      }
    });
  });
  await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
  brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;

  keyDir = await mkdtemp(path.join(tmpdir(), 'siphook-simulate-cli-'));
  const keygen = await run(['simulate', 'keygen', '--out', keyDir, '--json']);
  expect(keygen.code).toBe(0);
  reference = await createServer({
    port: 0,
    signature: true,
    trustKeys: [path.join(keyDir, 'siphook-test-public-key.pem')],
    logLevel: 'silent',
  });
}, 60_000);

afterAll(async () => {
  broken.closeAllConnections();
  await new Promise((resolve) => broken.close(resolve));
  await reference.close();
}, 60_000);

describe('siphook simulate against a broken server: each fault by name, exit 1', {
  timeout: 60_000,
}, () => {
  it.each([
    [
      '/wrong-type',
      '✗ newCall Content-Type: expected application/xml or text/xml; received "text/html"',
    ],
    ['/invalid-xml', '✗ newCall XML: expected a valid <Response>; found'],
    [
      '/invalid-xml',
      `✗ Play ${'BASE'}/44k.wav: would not be played: the response is invalid; expected a mono 16-bit PCM WAV at 8000 Hz;`,
    ],
    ['/play-44k', `✗ Play ${'BASE'}/44k.wav: expected a mono 16-bit PCM WAV at 8000 Hz;`],
    [
      '/gather-without-ondata',
      '✗ newCall XML: expected a valid <Response>; found 1 problem(s): 2:',
    ],
    ['/slow', '✗ newCall deadline: expected an answer within 300 ms; received none'],
  ])('%s', async (route, line) => {
    // Only /slow gets a short deadline: a loaded machine must not turn other faults into timeouts.
    const deadline = route === '/slow' ? ['--timeout', '300'] : [];
    const result = await run(['simulate', `${brokenUrl}${route}`, ...deadline]);
    expect(result.stdout).toContain(line.replace('BASE', brokenUrl));
    expect(result.code).toBe(1);
  });

  it('a conformant answer exits 0', async () => {
    const result = await run(['simulate', `${brokenUrl}/ok`]);
    expect(result.stdout).toContain('✓ 1 call(s): 4 checks, 4 passed, 0 failed');
    expect(result.code).toBe(0);
  });

  it('waits 10 s by default, as sipgate.io does', async () => {
    const help = await run(['simulate', '--help']);
    expect(help.stdout).toMatch(/--timeout <ms>[^-]*\(default: 10000\)/);
  });

  it('--call-timeout bounds the whole call (default 60 s): a failed check, exit 1', async () => {
    const help = await run(['simulate', '--help']);
    expect(help.stdout).toMatch(/--call-timeout <ms>[\s\S]*?\(default:\s+60000\)/);
    const result = await run(['simulate', `${brokenUrl}/slow`, '--call-timeout', '200']);
    expect(result.stdout).toContain(
      '✗ call time limit: expected the call to end within 200 ms (--call-timeout)',
    );
    expect(result.code).toBe(1);
    expect((await run(['simulate', `${brokenUrl}/ok`, '--call-timeout', '0'])).code).toBe(2);
  });

  it('takes --basic-auth as the server does: `user:` and `:pass` are refused (exit 2)', async () => {
    for (const value of ['user:', ':pass', 'user']) {
      const result = await run(['simulate', `${brokenUrl}/ok`, '--basic-auth', value]);
      expect(result.stderr, value).toContain(
        '--basic-auth: expected user:password, both non-empty',
      );
      expect(result.code, value).toBe(2);
    }
    expect((await run(['simulate', `${brokenUrl}/ok`, '--basic-auth', 'user:pa:ss'])).code).toBe(0);
  });

  it('a refused connection exits 2', async () => {
    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise((resolve) => closed.close(resolve));
    const result = await run(['simulate', url]);
    expect(result.stdout).toContain('connection refused');
    expect(result.code).toBe(2);
  });

  it('usage errors exit 2 with a message naming the problem', async () => {
    expect((await run(['simulate', 'not-a-url'])).code).toBe(2);
    const dtmf = await run(['simulate', `${brokenUrl}/ok`, '--dtmf', '1,x']);
    expect(dtmf.stderr).toContain('dtmf[1]: expected keypad digits');
    expect(dtmf.code).toBe(2);
    expect((await run(['simulate', `${brokenUrl}/ok`, '--timeout', '-5'])).code).toBe(2);
    expect(
      (await run(['simulate', `${brokenUrl}/ok`, '--sign-key', '/nonexistent.pem'])).code,
    ).toBe(2);
  });

  it('--json prints the report and --junit writes one test case per check', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'siphook-junit-'));
    const junit = path.join(dir, 'report.xml');
    const result = await run(['simulate', `${brokenUrl}/wrong-type`, '--json', '--junit', junit]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const xml = await readFile(junit, 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml.match(/<testcase /g)?.length).toBe(report.totals.checks);
    expect(xml).toContain('type="CONTENT_TYPE"');
  });

  it('--probe with --expect-signature: a server accepting unsigned pushes fails', async () => {
    const result = await run(['simulate', `${brokenUrl}/ok`, '--probe', '--expect-signature']);
    expect(result.stdout).toContain(
      '✗ unsigned newCall refused: expected 401 or 403; received 200',
    );
    expect(result.stdout).toContain('✗ JSON body refused: expected a 4xx; received 200');
    expect(result.code).toBe(1);
  });
});

describe('siphook simulate against the reference server', { timeout: 60_000 }, () => {
  it('runs a scenario file, signed, with probes: exit 0', async () => {
    const scenario = path.join(keyDir, 'calls.yaml');
    await writeFile(
      scenario,
      [
        'calls:',
        '  - name: sales',
        '    dtmf: [1]',
        '    expect: { dials: "4915799912345", playsAtLeastSeconds: 2, gathers: 1 }',
        '  - name: voicemail',
        '    dtmf: ["2"]',
        '    expect: { dials: voicemail, hangsUpWith: normalClearing }',
        '',
      ].join('\n'),
    );
    const result = await run([
      'simulate',
      reference.webhookUrl,
      '--scenario',
      scenario,
      '--sign-key',
      path.join(keyDir, 'siphook-test-private-key.pem'),
      '--probe',
    ]);
    expect(result.stdout).toContain('✓ expect dials 4915799912345');
    expect(result.stdout).toContain('✓ tampered newCall refused: 401');
    expect(result.stdout).toMatch(/✓ 2 call\(s\) and probes: \d+ checks, \d+ passed, 0 failed/);
    expect(result.code).toBe(0);
  });

  it('a failed expectation exits 1', async () => {
    const result = await run([
      'simulate',
      reference.webhookUrl,
      '--dtmf',
      '2',
      '--sign-key',
      path.join(keyDir, 'siphook-test-private-key.pem'),
      '--scenario',
      await writeScenario('calls:\n  - expect: { rejects: busy }\n'),
    ]);
    expect(result.stdout).toContain('✗ expect rejects busy');
    expect(result.code).toBe(1);
  });
});

async function writeScenario(text: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'siphook-scenario-')), 's.yaml');
  await writeFile(file, text);
  return file;
}

describe('siphook simulate keygen and siphook demo', { timeout: 60_000 }, () => {
  it('keygen writes the private key 0600 and refuses to overwrite without --force', async () => {
    expect((await stat(path.join(keyDir, 'siphook-test-private-key.pem'))).mode & 0o777).toBe(
      0o600,
    );
    const again = await run(['simulate', 'keygen', '--out', keyDir]);
    expect(again.stderr).toContain('already exists; pass --force');
    expect(again.code).toBe(2);
  });

  it('demo runs a signed call through the demo flow and exits with its status', async () => {
    const result = await run(['demo']);
    expect(result.stdout).toContain('▶ Dial 4915799912345');
    expect(result.stdout).toContain('✓ 1 call(s)');
    expect(result.code).toBe(0);
    const voicemail = await run(['demo', '--dtmf', '2', '--json']);
    expect(JSON.parse(voicemail.stdout).calls[0].dialed).toEqual(['voicemail']);
  });
});
