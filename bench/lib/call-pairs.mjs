// The demo flow's newCall → dtmf path as autocannon requests, and the CPU time of a server process,
// shared by the benchmarks of the call store and of --workers.
import { readFileSync } from 'node:fs';

export const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };
export const newCallBody = (callId) =>
  `from=492111234567&to=4915791234567&direction=in&event=newCall&callId=${callId}&user%5B%5D=Alice`;
export const dtmfBody = (callId) => `event=dtmf&callId=${callId}&dtmf=1`;

let calls = 0;

/**
 * autocannon `requests`: each connection loops a newCall with a fresh callId, then a dtmf "1" for
 * that call (the demo flow's "connected" branch, taken only when the newCall's state is found).
 */
export function callPairRequests(label) {
  return [
    {
      method: 'POST',
      path: '/',
      headers: FORM,
      setupRequest: (request, context) => {
        context.callId = `${label}-${process.pid}-${calls++}`;
        return { ...request, body: newCallBody(context.callId) };
      },
    },
    {
      method: 'POST',
      path: '/dtmf',
      headers: FORM,
      setupRequest: (request, context) => ({ ...request, body: dtmfBody(context.callId) }),
    },
  ];
}

/** CPU time (user + system) a process has used so far, in µs (Linux /proc). */
export function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

/** The median of a list of numbers. */
export const median = (list) => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)];
