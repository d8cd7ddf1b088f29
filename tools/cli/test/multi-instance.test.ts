// Several `siphook server` processes with one public URL behind a round-robin proxy, sharing call
// state in a real redis-server: the demo call must complete every branch while its consecutive
// pushes land on different instances, and survive losing the instance that began it.
import type { ChildProcess } from 'node:child_process';
import { createRedisCallStore } from '@siphook/redis-store';
import { type CallReport, simulateCall } from '@siphook/simulator';
import {
  type RoundRobinProxy,
  redisServerOrSkip,
  startRoundRobinProxy,
} from '@siphook/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, useRedisAndServers } from './server-process.js';

const haveRedis = redisServerOrSkip('the several-instances tests');

const CONNECTED = '4915799912345';

/** Starts `count` instances with one public URL (the proxy's) and returns the proxy. */
async function startInstances(
  count: number,
  store: string,
  prefix: string,
  started: ChildProcess[],
): Promise<{ proxy: RoundRobinProxy; children: ChildProcess[] }> {
  const targets: string[] = [];
  const proxy = await startRoundRobinProxy(targets);
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      startServerProcess(
        [
          '--port',
          '0',
          '--no-signature',
          '--store',
          store,
          '--store-prefix',
          prefix,
          '--public-url',
          proxy.url,
        ],
        started,
      ),
    ),
  );
  targets.push(...servers.map((server) => server.info.listenUrl));
  return { proxy, children: servers.map((server) => server.child) };
}

/** The call's transcript lines, for the message of a failed assertion. */
function transcript(report: CallReport): string {
  return report.steps.map((step) => `${step.kind}: ${step.text} ${step.detail ?? ''}`).join('\n');
}

/** The POST pushes the proxy passed on since `from`, with the instance that answered each. */
function pushesSince(proxy: RoundRobinProxy, from: number) {
  return proxy.log.slice(from).filter((request) => request.method === 'POST');
}

describe.skipIf(!haveRedis)('two siphook server instances sharing Redis', () => {
  const { started, redis } = useRedisAndServers();
  let proxy: RoundRobinProxy;

  beforeAll(async () => {
    ({ proxy } = await startInstances(2, redis().url, 'two-instances', started));
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it.each([
    { branch: '1: connected', dtmf: ['1'], dialed: [CONNECTED], gathers: ['1'] },
    { branch: '2: voicemail', dtmf: ['2'], dialed: ['voicemail'], gathers: ['2'] },
    {
      branch: 'a wrong digit, asked again, then 1',
      dtmf: ['9', '1'],
      dialed: [CONNECTED],
      gathers: ['9', '1'],
    },
    { branch: 'nothing twice: goodbye', dtmf: [], dialed: [], gathers: ['', ''] },
  ])(
    'the demo call completes the branch "$branch" with each push on the other instance',
    async ({ dtmf, dialed, gathers }) => {
      const from = proxy.log.length;
      const report = await simulateCall(`${proxy.url}/`, { dtmf }, { timeoutMs: 10_000 });
      expect(report.ok, transcript(report)).toBe(true);
      expect(report.dialed).toEqual(dialed);
      expect(report.gathers).toEqual(gathers);
      if (dialed.length === 0) expect(report.outcome.kind).toBe('hungUp');
      const pushes = pushesSince(proxy, from);
      expect(pushes.length).toBeGreaterThanOrEqual(3); // newCall, dtmf…, hangup
      for (let i = 1; i < pushes.length; i++)
        expect(pushes[i]!.target, `push ${i} (${pushes[i]!.path})`).not.toBe(pushes[i - 1]!.target);
      // The call is over: its state is gone from Redis.
      const store = await createRedisCallStore({ url: redis().url, prefix: 'two-instances' });
      try {
        expect(await store.get(report.callId)).toBeUndefined();
      } finally {
        await store.close();
      }
    },
  );
});

describe.skipIf(!haveRedis)('losing an instance in the middle of a call', () => {
  const { started, redis } = useRedisAndServers();

  it('completes the call on the other instance after the one that took the newCall is killed', async () => {
    const { proxy, children } = await startInstances(2, redis().url, 'killed', started);
    try {
      let killed: number | undefined;
      const report = await simulateCall(
        `${proxy.url}/`,
        { dtmf: ['9', '1'] },
        {
          timeoutMs: 10_000,
          onStep: (step) => {
            // The newCall's answer is in: the instance that gave it dies before the first dtmf.
            if (killed === undefined && step.kind === 'answer') {
              killed = pushesSince(proxy, 0)[0]!.target;
              children[killed]!.kill('SIGKILL');
            }
          },
        },
      );
      expect(killed).toBeDefined();
      expect(report.ok, transcript(report)).toBe(true);
      expect(report.dialed).toEqual([CONNECTED]);
      const pushes = pushesSince(proxy, 0);
      expect(pushes[0]!.target).toBe(killed);
      expect(pushes.slice(1).every((push) => push.target !== killed)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('loses the call with --store memory: the shared store is what carries it (control)', async () => {
    const { proxy } = await startInstances(2, 'memory', 'unused', started);
    try {
      const report = await simulateCall(`${proxy.url}/`, { dtmf: ['1'] }, { timeoutMs: 10_000 });
      // The dtmf lands on the instance that never saw the newCall: no state, no branch taken.
      expect(report.dialed).toEqual([]);
      expect(report.outcome.kind).toBe('continues');
    } finally {
      await proxy.close();
    }
  });
});
