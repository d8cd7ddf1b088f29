import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../test/cli-harness.js';

const GOOD = `<?xml version="1.0" encoding="UTF-8"?>
<Response onHangup="https://example.com/hangup?call=1&amp;x=2">
\t<Gather onData="https://example.com/dtmf" maxDigits="3">
\t\t<Play><Url>https://example.com/menu.wav</Url></Play>
\t</Gather>
\t<Hangup />
</Response>
`;
const BAD = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Say>Hallo</Say>
  <Gather onData="/dtmf" maxDigits="0"/>
</Response>
`;

const execFileAsync = promisify(execFile);

let dir: string;
const path = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-cli-xml-'));
  await writeFile(path('good.xml'), GOOD);
  await writeFile(path('bad.xml'), BAD);
  await writeFile(
    path('laughs.xml'),
    '<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n<Response onHangup="&b;"/>',
  );
  await writeFile(path('big.xml'), `<Response><!-- ${'x'.repeat(70000)} --></Response>`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('siphook xml check', () => {
  it('prints OK per valid file and exits 0', async () => {
    const { code, stdout, stderr } = await run(['xml', 'check', path('good.xml')]);
    expect({ code, stdout, stderr }).toEqual({
      code: 0,
      stdout: `${path('good.xml')}: OK (Gather, Hangup)\n`,
      stderr: '',
    });
  });

  it('prints file:line:col message per problem and exits 1', async () => {
    const { code, stdout } = await run(['xml', 'check', path('good.xml'), path('bad.xml')]);
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      `${path('good.xml')}: OK (Gather, Hangup)`,
      `${path('bad.xml')}:3:3 /Response/Say[1]: unknown element <Say> inside <Response>; it holds <Dial>, <Play>, <Gather>, <Reject> or <Hangup> [XML_UNKNOWN_ELEMENT]`,
      `${path('bad.xml')}:4:11 /Response/Gather[1]/@onData: expected an absolute http(s) URL; received "/dtmf" [XML_VALUE_INVALID]`,
      `${path('bad.xml')}:4:26 /Response/Gather[1]/@maxDigits: expected an integer >= 1; received "0" [XML_VALUE_INVALID]`,
      '',
    ]);
  });

  it('--json prints an array of { file, valid, problems }', async () => {
    const { code, stdout } = await run([
      'xml',
      'check',
      '--json',
      path('bad.xml'),
      path('good.xml'),
    ]);
    expect(code).toBe(1);
    const outcomes = JSON.parse(stdout);
    expect(outcomes).toEqual([
      {
        file: path('bad.xml'),
        valid: false,
        problems: [
          expect.objectContaining({
            code: 'XML_UNKNOWN_ELEMENT',
            line: 3,
            column: 3,
            path: '/Response/Say[1]',
          }),
          expect.objectContaining({
            code: 'XML_VALUE_INVALID',
            line: 4,
            column: 11,
            path: '/Response/Gather[1]/@onData',
          }),
          expect.objectContaining({
            code: 'XML_VALUE_INVALID',
            line: 4,
            column: 26,
            path: '/Response/Gather[1]/@maxDigits',
          }),
        ],
      },
      { file: path('good.xml'), valid: true, problems: [], actions: ['Gather', 'Hangup'] },
    ]);
  });

  it('refuses entity declarations and oversized files', async () => {
    const { code, stdout } = await run(['xml', 'check', path('laughs.xml'), path('big.xml')]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${path('laughs.xml')}:1:1 found "<!DOCTYPE"`);
    expect(stdout).toContain(
      `${path('big.xml')}:1:1 document is 70030 bytes; the limit is 65536 bytes (option --max-bytes) [XML_TOO_LARGE]`,
    );
    const larger = await run(['xml', 'check', '--max-bytes', '100000', path('big.xml')]);
    expect(larger.code).toBe(0);
  });

  it('reads a FIFO whose writer never stops only up to the limit, and /dev/zero too', async () => {
    const fifo = path('endless.fifo');
    await execFileAsync('mkfifo', [fifo]);
    // `yes` keeps writing until the reader closes the pipe; it then dies of SIGPIPE.
    const writer = spawn('sh', ['-c', 'exec yes "<Response>" > "$0"', fifo], { stdio: 'ignore' });
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    try {
      const { code, stdout } = await run(['xml', 'check', '--max-bytes', '1000', fifo]);
      expect(code).toBe(1);
      expect(stdout).toBe(
        `${fifo}:1:1 document is more than 1000 bytes; the limit is 1000 bytes (option --max-bytes) [XML_TOO_LARGE]\n`,
      );
      await exited;
    } finally {
      writer.kill();
    }
    const zero = await run(['xml', 'check', '--json', '--max-bytes', '4096', '/dev/zero']);
    expect(zero.code).toBe(1);
    expect(JSON.parse(zero.stdout)[0].problems[0].code).toBe('XML_TOO_LARGE');
  }, 20000);

  it('reads a short FIFO to its end and checks it', async () => {
    const fifo = path('short.fifo');
    await execFileAsync('mkfifo', [fifo]);
    const writer = execFileAsync('sh', ['-c', 'cat "$1" > "$0"', fifo, path('good.xml')]);
    const { code, stdout } = await run(['xml', 'check', fifo]);
    await writer;
    expect(code).toBe(0);
    expect(stdout).toBe(`${fifo}: OK (Gather, Hangup)\n`);
  }, 20000);

  it('exits 2 for a missing file, still checking the others', async () => {
    const { code, stdout, stderr } = await run([
      'xml',
      'check',
      path('missing.xml'),
      path('good.xml'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(`siphook xml check: cannot read ${path('missing.xml')}: no such file\n`);
    expect(stdout).toBe(`${path('good.xml')}: OK (Gather, Hangup)\n`);
    const json = await run(['xml', 'check', '--json', path('missing.xml')]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        file: path('missing.xml'),
        valid: false,
        problems: [],
        error: { code: 'ENOENT', message: `cannot read ${path('missing.xml')}: no such file` },
      },
    ]);
  });

  it('exits 2 on usage errors', async () => {
    expect((await run(['xml', 'check'])).code).toBe(2);
    expect((await run(['xml', 'check', '--max-depth', 'deep', path('good.xml')])).code).toBe(2);
    expect((await run(['xml', 'check', '-', '-'])).code).toBe(2);
  });

  it('has --help', async () => {
    const { code, stdout } = await run(['xml', 'check', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Exit status: 0 all valid, 1 any invalid, 2 usage error');
  });
});

describe('the real siphook bin', () => {
  const bin = fileURLToPath(new URL('../../bin/siphook.js', import.meta.url));

  function spawnBin(args: string[], input: string) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => {
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      });
      child.stdin?.end(input);
    });
  }

  it('reads standard input with -', async () => {
    const good = await spawnBin(['xml', 'check', '-'], GOOD);
    expect(good).toEqual({ code: 0, stdout: '<stdin>: OK (Gather, Hangup)\n', stderr: '' });
    const bad = await spawnBin(['xml', 'check', '-', '--json'], BAD);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)[0]).toMatchObject({ file: '<stdin>', valid: false });
    // The same name in text as in JSON (issue 11).
    const badText = await spawnBin(['xml', 'check', '-'], BAD);
    expect(badText.stdout.split('\n')[0]).toMatch(/^<stdin>:\d+:\d+ /);
  }, 30000);
});
