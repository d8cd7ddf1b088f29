import type { StoredPrompt } from './ingest-root.js';

/** Cache-Control of hashed names: the bytes behind them never change. */
const IMMUTABLE = 'max-age=31536000, immutable';
/** Cache-Control of plain names: short, revalidated with the ETag. */
const SHORT = 'max-age=60';

/** One servable name with its precomputed headers. */
export interface ServedName {
  prompt: StoredPrompt;
  /** True for the hashed name. */
  immutable: boolean;
  /** Headers of a full 200 (also the base of 206 and 304). */
  headers: Record<string, string>;
  /** Headers of a 304. */
  notModifiedHeaders: Record<string, string>;
  /** `Last-Modified` value. */
  lastModified: string;
}

/** Lookup tables for one generation of prompts; replaced as a whole after every scan. */
export interface PromptIndex {
  prompts: readonly StoredPrompt[];
  /** Decoded name below the mount → served name (`welcome.wav`, `welcome.4f3a9c1e.wav`). */
  byName: ReadonlyMap<string, ServedName>;
  /** Exact canonical request target including the base path (`/audio/welcome.wav`), for the fast path. */
  byTarget: ReadonlyMap<string, ServedName>;
  /** Names `urlFor` accepts: served name, name without `.wav`, and source file. */
  byAlias: ReadonlyMap<string, StoredPrompt>;
}

/**
 * Builds the lookup tables and every header that does not depend on the request, so that serving
 * a prompt costs one Map lookup. `privateCache` switches `public` to `private` for hosts behind
 * Basic auth or signatures, so that shared caches do not hand prompts to others.
 */
export function buildPromptIndex(
  prompts: readonly StoredPrompt[],
  basePath: string,
  privateCache: boolean,
): PromptIndex {
  const scope = privateCache ? 'private' : 'public';
  const byName = new Map<string, ServedName>();
  const byTarget = new Map<string, ServedName>();
  const byAlias = new Map<string, StoredPrompt>();
  for (const prompt of prompts) {
    const lastModified = prompt.mtime.toUTCString();
    for (const [name, immutable] of [
      [prompt.hashedName, true],
      [prompt.name, false],
    ] as const) {
      const cacheControl = `${scope}, ${immutable ? IMMUTABLE : SHORT}`;
      const served: ServedName = {
        prompt,
        immutable,
        lastModified,
        headers: {
          'Content-Type': 'audio/wav',
          'Content-Length': String(prompt.size),
          'Accept-Ranges': 'bytes',
          ETag: prompt.etag,
          'Last-Modified': lastModified,
          'Cache-Control': cacheControl,
          'X-Content-Type-Options': 'nosniff',
        },
        notModifiedHeaders: {
          ETag: prompt.etag,
          'Last-Modified': lastModified,
          'Cache-Control': cacheControl,
        },
      };
      // A real file whose name looks like another prompt's hashed name keeps its own name.
      if (!immutable || !byName.has(name)) {
        byName.set(name, served);
        byTarget.set(`${basePath}/${encodeName(name)}`, served);
      }
    }
    byAlias.set(prompt.name, prompt);
    byAlias.set(prompt.name.slice(0, -'.wav'.length), prompt);
    byAlias.set(prompt.hashedName, prompt);
    if (!byAlias.has(prompt.source)) byAlias.set(prompt.source, prompt);
  }
  return { prompts, byName, byTarget, byAlias };
}

/** Percent-encodes each path segment of a served name: `de/Begrüßung.wav` → `de/Begr%C3%BC%C3%9Fung.wav`. */
export function encodeName(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}
