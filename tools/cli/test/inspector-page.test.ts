import { mkdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { encodeCanonicalHeader } from '@siphook/wav';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallLogFile, openCallLogFile } from '../src/open-call-log-file.js';
import { toPushRecord } from '../src/push-exchange.js';
import { type InspectorServer, serveInspector } from '../src/serve-inspector.js';
import { hasChromium, launchChromium } from './browser.js';
import { exchange, newCall, temporaryFolder } from './exchanges.js';

// Screenshots go to .tmp/ (ignored); SIPHOOK_README_SCREENSHOT=1 also renews the README's picture.
const SHOTS = new URL('../.tmp/screenshots/', import.meta.url);
const README_SHOT = new URL('../docs/inspector.png', import.meta.url);

/** Two seconds of a falling tone, so the waveform has a shape. */
function promptWav(): Buffer {
  const samples = Buffer.alloc(32000);
  for (let i = 0; i < 16000; i++) {
    const envelope = 0.8 * Math.exp(-i / 6000) * (1 + 0.3 * Math.sin(i / 700));
    samples.writeInt16LE(Math.round(32767 * envelope * Math.sin(i / (3 + i / 4000))), 2 * i);
  }
  return Buffer.concat([encodeCanonicalHeader(samples.length), samples]);
}

describe.skipIf(!hasChromium)('the inspector page in Chromium', () => {
  let folder: string;
  let remove: () => void;
  let log: CallLogFile;
  let served: InspectorServer;
  let audio: http.Server;
  let origin: string;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ({ folder, remove } = temporaryFolder());
    log = openCallLogFile(path.join(folder, 'calls.db'), { retentionMs: 0 });
    const wav = promptWav();
    audio = http.createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': wav.length });
      response.end(wav);
    });
    await new Promise<void>((resolve) => audio.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(audio.address() as AddressInfo).port}`;
    // An older call, so the list is not empty before the live one comes.
    log.append([
      toPushRecord(
        exchange(
          newCall('earlier-call', { from: 'anonymous' }),
          {
            actions: [{ action: 'Reject', reason: 'busy' }],
          },
          { receivedAt: Date.now() - 3_600_000 },
        ),
      ),
    ]);
    served = await serveInspector({ reader: log, port: 0 });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await new Promise<void>((resolve) => audio.close(() => resolve()));
    log.close();
    remove();
  });

  it('shows a new call live, opens it, and shows its timeline, XML, latency and prompts', async () => {
    await page.goto(served.url);
    await page.locator('tr[data-call-id="earlier-call"]').waitFor();
    await page.locator('.live.on').waitFor();

    const t = Date.now();
    const gather = {
      onHangup: 'http://127.0.0.1:3000/hangup',
      actions: [
        {
          action: 'Gather' as const,
          onData: 'http://127.0.0.1:3000/dtmf',
          maxDigits: 1,
          timeout: 5000,
          play: { action: 'Play' as const, url: `${origin}/welcome.wav` },
        },
      ],
    };
    log.append([
      toPushRecord(exchange(newCall('live-call'), gather, { receivedAt: t, durationMs: 42 })),
    ]);
    await page.locator('tr[data-call-id="live-call"]').waitFor({ timeout: 10_000 });
    log.append([
      toPushRecord(
        exchange(
          { event: 'dtmf', callId: 'live-call', dtmf: '1' },
          {
            actions: [
              { action: 'Play', url: `${origin}/connecting.wav` },
              { action: 'Dial', target: { numbers: ['4915799912345'] } },
            ],
          },
          { receivedAt: t + 6200, path: '/dtmf', durationMs: 1800 },
        ),
      ),
      toPushRecord(
        exchange({ event: 'hangup', callId: 'live-call', cause: 'normalClearing' }, undefined, {
          receivedAt: t + 48_000,
          path: '/hangup',
          durationMs: 3,
        }),
      ),
    ]);
    const row = page.locator('tr[data-call-id="live-call"]');
    await row.locator('.outcome.dialed').waitFor({ timeout: 10_000 });
    expect(await page.locator('tbody tr').count()).toBe(2);
    await page.screenshot({ path: new URL('list.png', SHOTS).pathname });

    await row.click();
    const exchanges = page.locator('li.exchange');
    await exchanges.nth(2).waitFor();
    expect(
      await exchanges.evaluateAll((items) => items.map((item) => item.dataset['event'])),
    ).toEqual(['newCall', 'dtmf', 'hangup']);
    const xml = await exchanges.nth(0).locator('pre.xml').innerText();
    expect(xml).toContain(
      '<Gather onData="http://127.0.0.1:3000/dtmf" maxDigits="1" timeout="5000">',
    );
    expect(xml).toContain(`    <Play>\n      <Url>${origin}/welcome.wav</Url>`);
    expect(await exchanges.nth(1).locator('.latency-text').innerText()).toBe(
      'answered in 1.8 s of the 10 s sipgate.io waits',
    );
    expect(await exchanges.nth(0).locator('ul.callbacks').innerText()).toContain(
      'followed by the hangup push',
    );
    const audios = page.locator('li.play audio');
    expect(await audios.count()).toBe(2);
    expect(await audios.first().getAttribute('src')).toBe(`${origin}/welcome.wav`);
    await page.locator('li.play svg.waveform path').first().waitFor();
    expect(await page.locator('li.play .audio-facts').first().innerText()).toBe(
      '8000 Hz mono 16-bit PCM, 2.00 s · plays on sipgate.io',
    );

    await page.getByRole('button', { name: 'Copy as test' }).click();
    const scenario = await page.locator('pre.scenario').innerText();
    expect(scenario).toContain('dials: "4915799912345"');
    expect(scenario).toContain('- "1"');
    await page.screenshot({ path: new URL('call.png', SHOTS).pathname, fullPage: false });
    if (process.env['SIPHOOK_README_SCREENSHOT'] === '1') {
      await page.screenshot({ path: README_SHOT.pathname, type: 'png' });
      expect(statSync(README_SHOT).size).toBeLessThan(200 * 1024);
    }
    expect(problems).toEqual([]);
  });

  it('filters by outcome and pages through the list', async () => {
    await page.goto(`${served.url}?outcome=rejected`);
    await page.locator('tr[data-call-id="earlier-call"]').waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.locator('select[name=outcome]').selectOption('dialed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('tr[data-call-id="live-call"]').waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('outcome')).toBe('dialed');
    expect(problems).toEqual([]);
  });
});
