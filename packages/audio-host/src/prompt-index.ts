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
  /**
   * For the hashed name of a replaced version: `Date.now()` after which it answers 404. 0 for
   * names of current prompts.
   */
  retiredUntil: number;
}

/** A replaced version whose hashed URL keeps answering until `until` (ms since the epoch). */
export interface RetiredPrompt {
  prompt: StoredPrompt;
  until: number;
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
  /** Replaced versions still served under their hashed names. */
  retired: readonly RetiredPrompt[];
}

/**
 * Builds the lookup tables and every header that does not depend on the request, so that serving
 * a prompt costs one Map lookup. `privateCache` switches `public` to `private` for hosts behind
 * Basic auth or signatures, so that shared caches do not hand prompts to others. `retired`
 * versions get their hashed name only, and never shadow a current name.
 */
export function buildPromptIndex(
  prompts: readonly StoredPrompt[],
  basePath: string,
  privateCache: boolean,
  retired: readonly RetiredPrompt[] = [],
): PromptIndex {
  const scope = privateCache ? 'private' : 'public';
  const byName = new Map<string, ServedName>();
  const byTarget = new Map<string, ServedName>();
  const byAlias = new Map<string, StoredPrompt>();
  const add = (name: string, served: ServedName, replace: boolean): void => {
    if (!replace && byName.has(name)) return;
    byName.set(name, served);
    byTarget.set(`${basePath}/${encodeName(name)}`, served);
  };
  for (const prompt of prompts) {
    // A real file whose name looks like another prompt's hashed name keeps its own name.
    add(prompt.hashedName, servedName(prompt, true, scope, 0), false);
    add(prompt.name, servedName(prompt, false, scope, 0), true);
    byAlias.set(prompt.name, prompt);
    byAlias.set(prompt.name.slice(0, -'.wav'.length), prompt);
    byAlias.set(prompt.hashedName, prompt);
    if (!byAlias.has(prompt.source)) byAlias.set(prompt.source, prompt);
  }
  for (const { prompt, until } of retired)
    add(prompt.hashedName, servedName(prompt, true, scope, until), false);
  return { prompts, byName, byTarget, byAlias, retired };
}

function servedName(
  prompt: StoredPrompt,
  immutable: boolean,
  scope: string,
  retiredUntil: number,
): ServedName {
  const lastModified = prompt.mtime.toUTCString();
  const cacheControl = `${scope}, ${immutable ? IMMUTABLE : SHORT}`;
  return {
    prompt,
    immutable,
    lastModified,
    retiredUntil,
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
}

/** Percent-encodes each path segment of a served name: `de/Begrüßung.wav` → `de/Begr%C3%BC%C3%9Fung.wav`. */
export function encodeName(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}
