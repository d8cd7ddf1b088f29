import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@siphook/test-services';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium, which the browser tests drive (`apt-get install -y chromium`). */
export const CHROMIUM = CHROMIUM_PATH;

/** True when Chromium is installed; otherwise the browser tests are skipped with a message. */
export const hasChromium: boolean = existsSync(CHROMIUM);

if (!hasChromium) {
  console.warn(
    `browser tests skipped: ${CHROMIUM} is missing; install the Debian package chromium (apt-get install -y chromium)`,
  );
}

/** A headless Chromium with a fresh profile, removed again by `close`. */
export async function launchChromium(): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  const profile = mkdtempSync(path.join(tmpdir(), 'siphook-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 860 },
    args: [...CHROMIUM_ARGS],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
