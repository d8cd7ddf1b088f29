/** Debian's Chromium (package `chromium`), which the browser tests and benchmarks drive. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for headless Chromium on a machine without network beyond loopback, running as root in
 * CI: without the background-networking ones it keeps trying to reach Google's hosts.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-quic',
  '--disable-component-update',
  '--disable-sync',
];
