// Shared by the server benchmarks: a server in a child process of its own, and its CPU time.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Runs `node script --serve kind` and resolves once the child prints its URL (one line).
 * @param {string} script
 * @param {string} kind
 * @param {Record<string, string>} [env]
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, url: string }>}
 */
export function startChildServer(script, kind, env = {}) {
  const child = spawn(process.execPath, [script, '--serve', kind], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve({ child, url: out.trim() });
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

/**
 * CPU time (user + system) a child process has used so far, in µs; undefined off Linux.
 * @param {number} pid
 */
export function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}
