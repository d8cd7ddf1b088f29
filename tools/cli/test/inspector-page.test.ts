import { mkdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeTestKeyPair } from '@siphook/simulator';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './browser.js';
import { run } from './cli-harness.js';

// Screenshots go to .tmp/ (ignored); SIPHOOK_README_SCREENSHOT=1 also renews the README's picture.
const SHOTS = new URL('../.tmp/screenshots/', import.meta.url);
const README_SHOT = new URL('../../../packages/call-log/docs/inspector.png', import.meta.url);

describe.skipIf(!hasChromium)(
  'the inspector page of siphook server --call-log, in Chromium',
  () => {
    let folder: string;
    let keys: { privateKeyPath: string; publicKeyPath: string };
    let stop: AbortController;
    let webhookUrl: string;
    let inspectUrl: string;
    let browser: { context: BrowserContext; close: () => Promise<void> };
    let page: Page;
    const problems: string[] = [];

    beforeAll(async () => {
      folder = await mkdtemp(path.join(tmpdir(), 'siphook-page-'));
      keys = await writeTestKeyPair(folder);
      stop = new AbortController();
      const started = await run(
        [
          'server',
          '--port',
          '0',
          '--json',
          '--log-level',
          'warn',
          '--call-log',
          path.join(folder, 'calls.db'),
          '--trust-key',
          keys.publicKeyPath,
        ],
        stop.signal,
      );
      expect(started.code).toBe(0);
      ({ webhookUrl, inspectUrl } = JSON.parse(started.stdout) as {
        webhookUrl: string;
        inspectUrl: string;
      });
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
      stop?.abort();
      await rm(folder, { recursive: true, force: true });
    });

    const simulate = (...args: string[]) =>
      run(['simulate', webhookUrl, '--sign-key', keys.privateKeyPath, ...args]);

    it('shows a simulated call live, opens it, and shows its timeline, XML, latency and prompts', async () => {
      await page.goto(inspectUrl);
      await page.locator('.live.on').waitFor();
      await page.getByText('No calls in the log yet').waitFor();

      const call = await simulate('--dtmf', '2', '--call-id', 'page-1');
      expect(call.code).toBe(0);
      const row = page.locator('tr[data-call-id="page-1"]');
      await row.locator('.outcome.dialed').waitFor({ timeout: 10_000 });
      await page.screenshot({ path: new URL('list.png', SHOTS).pathname });

      await row.click();
      const exchanges = page.locator('li.exchange');
      await exchanges.nth(3).waitFor();
      expect(
        await exchanges.evaluateAll((items) => items.map((item) => item.dataset['event'])),
      ).toEqual(['newCall', 'dtmf', 'answer', 'hangup']);
      const origin = new URL(webhookUrl).origin;
      const xml = await exchanges.nth(0).locator('pre.xml').innerText();
      expect(xml).toContain(`<Gather onData="${origin}/dtmf" maxDigits="1" timeout="5000">`);
      expect(xml).toMatch(
        /\n {4}<Play>\n {6}<Url>http:\/\/127\.0\.0\.1:\d+\/audio\/welcome\.\w+\.wav<\/Url>/,
      );
      expect(await exchanges.nth(0).locator('.latency-text').innerText()).toMatch(
        /^answered in \d+ ms of the 10 s sipgate\.io waits$/,
      );
      expect(await exchanges.nth(0).locator('.flow').innerText()).toBe('route welcome');
      expect(await exchanges.nth(1).locator('.flow').innerText()).toBe('branch 2');
      expect(await exchanges.nth(0).locator('.verdicts').innerText()).toContain(
        'signature ✓ valid',
      );
      const callbacks = await exchanges.nth(0).locator('ul.callbacks').innerText();
      expect(callbacks).toContain('Gather onData');
      expect(callbacks).toContain('followed by the dtmf push');
      expect(callbacks).toContain('followed by the hangup push');

      const audios = page.locator('li.play audio');
      expect(await audios.count()).toBe(2);
      expect(await audios.first().getAttribute('src')).toMatch(/\/audio\/welcome\.\w+\.wav$/);
      await page.locator('li.play svg.waveform path').nth(1).waitFor();
      expect(await page.locator('li.play .audio-facts').first().innerText()).toMatch(
        /^8000 Hz mono 16-bit PCM, \d+\.\d\d s · plays on sipgate\.io$/,
      );

      await page.getByRole('button', { name: 'Copy as test' }).click();
      const scenario = await page.locator('pre.scenario').innerText();
      expect(scenario).toContain('dials: voicemail');
      expect(scenario).toContain('- "2"');
      await page.screenshot({ path: new URL('call.png', SHOTS).pathname });
      if (process.env['SIPHOOK_README_SCREENSHOT'] === '1') {
        await page.screenshot({ path: README_SHOT.pathname, type: 'png' });
        expect(statSync(README_SHOT).size).toBeLessThan(200 * 1024);
      }
      expect(problems).toEqual([]);
    });

    it('filters the list by outcome and number', async () => {
      const rejected = await simulate('--from', 'anonymous', '--dtmf', '9', '--call-id', 'page-2');
      expect(rejected.code).toBe(0);
      await page.goto(`${inspectUrl}?outcome=dialed`);
      await page.locator('tr[data-call-id="page-1"]').waitFor();
      expect(await page.locator('tbody tr').count()).toBe(1);
      await page.locator('input[name=number]').fill('anonymous');
      await page.locator('select[name=outcome]').selectOption('');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.locator('tr[data-call-id="page-2"]').waitFor();
      expect(await page.locator('tbody tr').count()).toBe(1);
      expect(new URL(page.url()).searchParams.get('number')).toBe('anonymous');
      expect(problems).toEqual([]);
    });
  },
);
