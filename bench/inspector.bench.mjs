// The inspector page's first load in headless Chromium: from navigation start to the first row of
// the call list, with 10,000 calls in the log, against the same page over a log of 10 calls.
// Loads alternate over several rounds (a fresh page each), so the shared machine's noise hits both.
// Needs Debian's chromium (apt-get install -y chromium); without it the benchmark says so and exits.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openCallLogFile, serveInspector, toPushRecord } from '@siphook/call-log';
import { encodeEvent } from '@siphook/schema';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@siphook/test-services';
import { chromium } from 'playwright-core';

const CHROMIUM = CHROMIUM_PATH;
const ROUNDS = 7;
const BIG = 10_000;

if (!existsSync(CHROMIUM)) {
  console.log(`skipped: ${CHROMIUM} is missing (Debian package chromium)`);
  process.exit(0);
}

const folder = mkdtempSync(path.join(tmpdir(), 'siphook-bench-inspector-'));
try {
  const small = fill(path.join(folder, 'small.db'), 10);
  const big = fill(path.join(folder, 'big.db'), BIG);
  const servers = {
    small: await serveInspector({ reader: small, port: 0 }),
    big: await serveInspector({ reader: big, port: 0 }),
  };
  const profile = mkdtempSync(path.join(tmpdir(), 'siphook-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  // The moment the first call row is in the document, in the page's own clock.
  await context.addInitScript(() => {
    new MutationObserver((_changes, observer) => {
      if (document.querySelector('tbody tr') !== null) {
        window.__firstRow = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const times = { small: [], big: [] };
  let cold;
  for (let round = 0; round <= ROUNDS; round++) {
    for (const name of round % 2 === 0 ? ['small', 'big'] : ['big', 'small']) {
      const page = await context.newPage();
      await page.goto(servers[name].url);
      await page.waitForSelector('tbody tr');
      const ms = await page.evaluate(() => window.__firstRow);
      // Round 0 warms Chromium's caches and the server's statements: not counted, except the
      // very first load of the big log, which also sums its calls up from 30,000 pushes.
      if (round > 0) times[name].push(ms);
      else if (name === 'big') cold = ms;
      await page.close();
    }
  }
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await servers.small.close();
  await servers.big.close();
  small.close();
  big.close();

  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const spread = (values) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
  console.log(
    `first row of the call list, navigation start → row in the DOM (${ROUNDS} loads each, median):`,
  );
  console.log(`  10 calls:     ${median(times.small).toFixed(0)} ms (${spread(times.small)} ms)`);
  console.log(`  ${BIG} calls: ${median(times.big).toFixed(0)} ms (${spread(times.big)} ms)`);
  console.log(
    `  ${BIG} calls, first read of the log (its calls summed up from 30,000 pushes): ${cold.toFixed(0)} ms`,
  );
  console.log(
    `  ratio ${(median(times.big) / median(times.small)).toFixed(2)}×; goal: under 1000 ms with ${BIG} calls`,
  );
  if (median(times.big) >= 1000 || cold >= 1000) process.exitCode = 1;
} finally {
  rmSync(folder, { recursive: true, force: true });
}

/** A log of `count` calls of three pushes each, one minute apart. */
function fill(file, count) {
  const log = openCallLogFile(file, { retentionMs: 0 });
  const start = Date.now() - count * 60_000;
  const xml = (body) => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;
  for (let from = 0; from < count; from += 1000) {
    const batch = [];
    for (let i = from; i < Math.min(count, from + 1000); i++) {
      const callId = `bench-${i}`;
      const at = start + i * 60_000;
      const push = (event, answer, offset) =>
        toPushRecord({
          receivedAt: at + offset,
          method: 'POST',
          path: '/',
          headers: { 'user-agent': 'sipgate.io' },
          body: encodeEvent(event),
          status: 200,
          contentType: 'application/xml; charset=utf-8',
          answer,
          durationMs: 3,
        });
      batch.push(
        push(
          {
            event: 'newCall',
            callId,
            from: `49211${100000 + i}`,
            to: '4915791234567',
            direction: 'in',
            user: ['Alice'],
          },
          xml('<Gather onData="http://127.0.0.1:3000/dtmf"/>'),
          0,
        ),
        push(
          { event: 'dtmf', callId, dtmf: '1' },
          xml('<Dial><Number>4915799912345</Number></Dial>'),
          4000,
        ),
        push({ event: 'hangup', callId, cause: 'normalClearing' }, xml(''), 40_000),
      );
    }
    log.append(batch);
  }
  return log;
}
