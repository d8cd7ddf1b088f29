// Requests lost on SIGTERM: `siphook server` (the real CLI process) under a keep-alive load for
// 20 s, SIGTERM at 10 s, against bare node:http doing what Node offers (`server.close()` on
// SIGTERM). Each of 32 clients keeps one connection and sends back to back. A request is
// "answered", "refused" (the connection was refused: never sent) or "lost" (sent on a connection
// that then closed without an answer). Goal (issue "hardening"): 0 lost.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { postKeepAlive } from '@siphook/test-services';
import { loadAverageLine } from './lib/compare.mjs';

const SELF = fileURLToPath(import.meta.url);
const CLI = fileURLToPath(new URL('../tools/cli/bin/siphook.js', import.meta.url));
const LOAD_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
const CLIENTS = 32;
const BODY = 'event=newCall&direction=in&from=492111234567&to=4915791234567&callId=load';

if (process.argv[2] === '--bare') {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
      response.end('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(
      `${JSON.stringify({ webhookUrl: `http://127.0.0.1:${server.address().port}/` })}\n`,
    );
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
} else await main();

async function run(args) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = once(child, 'exit');
  let line = '';
  while (!line.includes('\n')) line += (await once(child.stdout, 'data'))[0];
  const url = new URL(JSON.parse(line.split('\n')[0]).webhookUrl);
  const outcomes = { answered: 0, refused: 0, lost: 0 };
  const started = Date.now();
  setTimeout(() => child.kill('SIGTERM'), LOAD_MS / 2);
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      while (Date.now() - started < LOAD_MS) {
        const outcome = await postKeepAlive(url, agent, BODY);
        outcomes[outcome]++;
        if (outcome === 'refused') break;
      }
      agent.destroy();
    }),
  );
  const [code] = await exited;
  return { ...outcomes, code };
}

async function main() {
  const cases = [
    { name: 'bare node:http, server.close() on SIGTERM (baseline)', args: [SELF, '--bare'] },
    {
      name: '`siphook server --no-signature` (the CLI process)',
      args: [CLI, 'server', '--port', '0', '--no-signature', '--json', '--log-level', 'warn'],
      goal: true,
    },
  ];
  const lines = [
    `### shutdown: ${CLIENTS} keep-alive clients for ${LOAD_MS / 1000} s, SIGTERM at ${LOAD_MS / 2000} s`,
    '',
    '| server | answered | refused (never sent) | lost (sent, no answer) | exit | goal | met |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const item of cases) {
    const result = await run(item.args);
    lines.push(
      `| ${item.name} | ${result.answered.toLocaleString('en-US')} | ${result.refused} | ${result.lost} | ${result.code} | ${item.goal ? '0 lost' : ''} | ${item.goal ? (result.lost === 0 ? 'yes' : 'NO') : ''} |`,
    );
  }
  lines.push('', loadAverageLine(), '');
  console.log(lines.join('\n'));
}
