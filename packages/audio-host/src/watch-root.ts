import { type FSWatcher, watch } from 'node:fs';
import type { AudioHostLogger } from './audio-host-options.js';

/** A running watcher; `close()` stops it and drops a pending change. */
export interface RootWatcher {
  close(): void;
}

/**
 * Calls `onChange` once things have been quiet for `debounceMs` after a change under `root`.
 * Changes to hidden entries (names starting with `.`, such as the default cache folder and the
 * converter's temp files) are ignored, so a conversion does not trigger another scan.
 */
export function watchRoot(
  root: string,
  debounceMs: number,
  onChange: () => void,
  logger: AudioHostLogger | undefined,
): RootWatcher {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  const changed = (_event: string, filename: string | Buffer | null): void => {
    const name = filename === null ? '' : String(filename);
    if (name.split(/[\\/]/).some((segment) => segment.startsWith('.'))) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  try {
    watcher = watch(root, { recursive: true, persistent: false }, changed);
  } catch {
    // Platforms without recursive watching still see changes at the top level.
    watcher = watch(root, { persistent: false }, changed);
  }
  watcher.on('error', (error) =>
    logger?.error({ root, error: String(error) }, 'watching the audio root failed'),
  );
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
