import { createHash } from 'node:crypto';
import type { Dirent, Stats } from 'node:fs';
import { mkdir, mkdtemp, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative, sep } from 'node:path';
import { type ErrorCode, isSiphookError } from '@siphook/schema/errors';
import { checkPlayable, convertToPlayable, inspectWavBytes } from '@siphook/wav';
import type { AudioHostLogger } from './audio-host-options.js';
import { type FileIdentity, type FileRead, isSameFile, readWithIdentity } from './file-identity.js';

/** A prompt the host serves, as listed by `prompts()`. */
export interface PromptEntry {
  /** Served name below the mount, always ending in `.wav`, e.g. `welcome.wav` or `de/welcome.wav`. */
  name: string;
  /** Name with the content hash, e.g. `welcome.4f3a9c1e.wav`; served as immutable. */
  hashedName: string;
  /** Absolute URL of the hashed name, to put in `<Play><Url>` (unsigned; use `urlFor` to sign). */
  url: string;
  /** Source file relative to the root, e.g. `welcome.mp3`. */
  source: string;
  /** True when the served bytes were converted into the cache folder. */
  converted: boolean;
  /** File holding the served bytes: the source itself (after realpath) or the cached conversion. */
  path: string;
  /** Exact size of the served bytes. */
  size: number;
  /** Modification time of the source, whole seconds. */
  mtime: Date;
  /** Strong ETag of the served bytes. */
  etag: string;
  /** SHA-256 of the served bytes, hex. */
  hash: string;
  /** Playing time of the served WAV. */
  durationSeconds: number | undefined;
}

/** A file under the root that is not served, with the reason. */
export interface RefusedFile {
  /** Path relative to the root. */
  file: string;
  /** Stable code: a `WAV_*`/`FFMPEG_*` code from `@siphook/wav` or an `AUDIO_*` code of the host. */
  code: ErrorCode;
  /** What was checked, what was expected and what was found. */
  reason: string;
}

/** A served prompt with what the host needs internally: the bytes (when small) and source identity. */
export interface StoredPrompt extends PromptEntry {
  /** The served bytes when at most `maxMemoryBytes`; otherwise `null` and they are streamed. */
  bytes: Uint8Array | null;
  /** Identity of the source when ingested, so that a rescan can skip unchanged files. */
  sourceKey: string;
  /** The file at `path` whose bytes were checked: a streamed file must still be it when served. */
  pathIdentity: FileIdentity;
}

/** Result of one scan of the root. */
export interface IngestResult {
  prompts: StoredPrompt[];
  refused: RefusedFile[];
}

/** Settings of one scan. */
export interface IngestSettings {
  /** Root after realpath. */
  root: string;
  /** Cache folder, absolute. */
  cacheDir: string;
  maxFileBytes: number;
  maxMemoryBytes: number;
  ffmpegPath: string | undefined;
  /** Builds the public URL of a served name. */
  urlOf: (name: string) => string;
  /** Prompts of the previous scan by source, reused when the source did not change. */
  previous: ReadonlyMap<string, StoredPrompt>;
  signal: AbortSignal;
  logger: AudioHostLogger | undefined;
}

/** Extensions taken as audio. Everything else under the root is ignored (not refused). */
const AUDIO_EXTENSIONS = new Set([
  '.wav',
  '.wave',
  '.mp3',
  '.mp2',
  '.ogg',
  '.oga',
  '.opus',
  '.flac',
  '.m4a',
  '.aac',
  '.aif',
  '.aiff',
  '.aifc',
  '.wma',
  '.webm',
  '.mka',
  '.amr',
  '.au',
  '.snd',
  '.caf',
  '.gsm',
]);
const WAV_EXTENSIONS = new Set(['.wav', '.wave']);
// Names the request-target check would refuse can never be fetched, so they are refused here.
const UNSERVABLE_NAME = /[\\%:#?\u0000-\u001f\u007f]/;

interface Candidate {
  /** Path relative to the root with `/` separators. */
  file: string;
  absolute: string;
  extension: string;
}

/**
 * Scans `settings.root` and decides, file by file, what is served: compliant WAVs as they are,
 * everything else converted with `@siphook/wav` into the cache (reused by the source's SHA-256),
 * and files that cannot be made playable refused with the reason. Every served byte sequence is
 * checked with `checkPlayable` right before it enters the index, converted or not.
 */
export async function ingestRoot(settings: IngestSettings): Promise<IngestResult> {
  const refused: RefusedFile[] = [];
  const candidates: Candidate[] = [];
  await walk(settings, settings.root, candidates, refused);
  // A file already named as served (`welcome.wav`) keeps the name over `welcome.WAVE` or
  // `welcome.mp3`; then WAV before other audio; then by path, so the outcome never depends on readdir.
  const rank = (candidate: Candidate): number =>
    servedNameOf(candidate.file) === candidate.file
      ? 0
      : WAV_EXTENSIONS.has(candidate.extension)
        ? 1
        : 2;
  candidates.sort((a, b) => rank(a) - rank(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const prompts: StoredPrompt[] = [];
  const taken = new Map<string, string>();
  for (const candidate of candidates) {
    if (settings.signal.aborted) break;
    const name = servedNameOf(candidate.file);
    const owner = taken.get(name);
    if (owner !== undefined) {
      refused.push({
        file: candidate.file,
        code: 'AUDIO_NAME_TAKEN',
        reason: `would be served as ${name}, which ${owner} already provides`,
      });
      continue;
    }
    const outcome = await ingestFile(settings, candidate, name);
    if ('reason' in outcome) {
      refused.push(outcome);
      settings.logger?.warn(
        { file: outcome.file, code: outcome.code, reason: outcome.reason },
        'audio file refused',
      );
    } else {
      taken.set(name, candidate.file);
      prompts.push(outcome);
    }
  }
  refused.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  prompts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { prompts, refused };
}

/** `de/Welcome.MP3` → `de/Welcome.wav`: the served name keeps the path and ends in `.wav`. */
export function servedNameOf(file: string): string {
  const extension = extname(file);
  return `${file.slice(0, file.length - extension.length)}.wav`;
}

/** `de/welcome.wav` + hash → `de/welcome.4f3a9c1e.wav`. */
export function hashedNameOf(name: string, hash: string): string {
  return `${name.slice(0, -'.wav'.length)}.${hash.slice(0, 8)}.wav`;
}

async function walk(
  settings: IngestSettings,
  folder: string,
  found: Candidate[],
  refused: RefusedFile[],
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    refused.push({
      file: toRelative(settings.root, folder),
      code: 'AUDIO_READ_FAILED',
      reason: `cannot list folder: ${errorText(error)}`,
    });
    return;
  }
  for (const entry of entries) {
    // Hidden entries (the default cache folder, .git, editor temp files) are never scanned or served.
    if (entry.name.startsWith('.')) continue;
    const absolute = join(folder, entry.name);
    if (absolute === settings.cacheDir) continue;
    const file = toRelative(settings.root, absolute);
    if (entry.isDirectory()) {
      await walk(settings, absolute, found, refused);
      continue;
    }
    const extension = extname(entry.name).toLowerCase();
    if (!AUDIO_EXTENSIONS.has(extension)) continue;
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    if (UNSERVABLE_NAME.test(file)) {
      refused.push({
        file,
        code: 'AUDIO_NAME_UNSERVABLE',
        reason:
          'file name contains "\\", "%", ":", "#", "?" or a control character, which a URL path cannot carry safely',
      });
      continue;
    }
    found.push({ file, absolute, extension });
  }
}

async function ingestFile(
  settings: IngestSettings,
  candidate: Candidate,
  name: string,
): Promise<StoredPrompt | RefusedFile> {
  const { file } = candidate;
  let real: string;
  let stats: Stats;
  try {
    real = await realpath(candidate.absolute);
    stats = await stat(real);
  } catch (error) {
    return { file, code: 'AUDIO_READ_FAILED', reason: `cannot resolve file: ${errorText(error)}` };
  }
  // Checked after realpath: a symlink (or a symlinked folder above the file) pointing out of the
  // root is refused, whatever its name says.
  if (!real.startsWith(settings.root + sep)) {
    return { file, code: 'AUDIO_OUTSIDE_ROOT', reason: OUTSIDE_ROOT_REASON };
  }
  if (!stats.isFile()) return { file, code: 'AUDIO_NOT_A_FILE', reason: 'is not a regular file' };
  if (stats.size > settings.maxFileBytes) return tooLarge(file, stats.size, settings);
  const sourceKey = `${real}:${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  const previous = settings.previous.get(file);
  if (
    previous !== undefined &&
    previous.sourceKey === sourceKey &&
    previous.name === name &&
    (await stillAtHand(previous))
  )
    return previous;

  // Read through one descriptor that is checked to lie under the root after opening: a folder
  // swapped for a symlink since realpath cannot slip outside bytes in.
  let source: FileRead;
  try {
    source = await readWithIdentity(real, settings.root);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'AUDIO_OUTSIDE_ROOT') {
      return { file, code: 'AUDIO_OUTSIDE_ROOT', reason: OUTSIDE_ROOT_REASON };
    }
    return { file, code: 'AUDIO_READ_FAILED', reason: `cannot read file: ${errorText(error)}` };
  }
  if (source.bytes.length > settings.maxFileBytes) {
    return tooLarge(file, source.bytes.length, settings);
  }
  const mtime = new Date(Math.floor(source.identity.mtimeMs / 1000) * 1000);
  const base = { name, source: file, mtime, sourceKey };
  if (WAV_EXTENSIONS.has(candidate.extension)) {
    const verdict = checkPlayable(inspectWavBytes(source.bytes, source.bytes.length));
    if (verdict.ok) return stored(settings, base, real, source, false);
    settings.logger?.info(
      { file, problems: verdict.problems.map((problem) => problem.code) },
      'WAV is not playable as is; converting',
    );
  }
  return convertIntoCache(settings, base, real, source.bytes);
}

const OUTSIDE_ROOT_REASON =
  'resolves (via a symlink) to a file outside the root; only files under the root are served';

function tooLarge(file: string, size: number, settings: IngestSettings): RefusedFile {
  return {
    file,
    code: 'AUDIO_TOO_LARGE',
    reason: `file is ${size} bytes; the host ingests files up to ${settings.maxFileBytes} bytes`,
  };
}

async function convertIntoCache(
  settings: IngestSettings,
  base: Pick<StoredPrompt, 'name' | 'source' | 'mtime' | 'sourceKey'>,
  realSource: string,
  source: Buffer,
): Promise<StoredPrompt | RefusedFile> {
  const file = base.source;
  const hash = sha256(source);
  const cached = join(settings.cacheDir, `${hash}.wav`);
  const reused = await readPlayable(cached);
  if (reused !== null) return stored(settings, base, cached, reused, true);
  // The converter reads a path, so it gets a copy of the bytes read and checked above, never the
  // source path again (which a swapped folder could by then lead outside the root). The copy sits
  // in a fresh private folder and keeps the file name: ffmpeg needs the extension for formats
  // without a signature (raw GSM), and messages name the file.
  let scratch: string | undefined;
  try {
    scratch = await mkdtemp(join(tmpdir(), 'siphook-convert-'));
    const copy = join(scratch, basename(realSource));
    await writeFile(copy, source, { flag: 'wx' });
    await mkdir(settings.cacheDir, { recursive: true });
    try {
      await convertToPlayable(copy, cached, {
        signal: settings.signal,
        ...(settings.ffmpegPath === undefined ? {} : { ffmpegPath: settings.ffmpegPath }),
      });
    } catch (error) {
      // The user knows the source, not the copy.
      const text = errorText(error).replaceAll(JSON.stringify(copy), JSON.stringify(realSource));
      return {
        file,
        code: isSiphookError(error) ? error.code : 'AUDIO_CONVERT_FAILED',
        reason: `cannot convert to 8 kHz mono 16-bit PCM: ${text}`,
      };
    }
  } catch (error) {
    return {
      file,
      code: 'AUDIO_CONVERT_FAILED',
      reason: `cannot convert to 8 kHz mono 16-bit PCM: ${errorText(error)}`,
    };
  } finally {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
  const converted = await readPlayable(cached);
  if (converted === null) {
    return {
      file,
      code: 'AUDIO_CONVERT_FAILED',
      reason: 'the converted file is still not playable (8 kHz mono 16-bit PCM)',
    };
  }
  settings.logger?.info({ file, cached }, 'converted for Play');
  return stored(settings, base, cached, converted, true);
}

/**
 * Whether a stored prompt can still be served as it is: its bytes are in memory, or the file they
 * are streamed from (often the cached conversion, which may have been deleted) is still the file
 * checked at ingest. A scan ingests the source again otherwise, which re-creates a missing cache
 * file instead of answering 503 for it forever.
 */
export async function stillAtHand(prompt: StoredPrompt): Promise<boolean> {
  if (prompt.bytes !== null) return true;
  try {
    return isSameFile(await stat(prompt.path), prompt.pathIdentity);
  } catch {
    return false;
  }
}

/** Reads a cached conversion and returns it only when it is playable; a bad one is removed. */
async function readPlayable(path: string): Promise<FileRead | null> {
  let read: FileRead;
  try {
    read = await readWithIdentity(path);
  } catch {
    return null;
  }
  if (checkPlayable(inspectWavBytes(read.bytes, read.bytes.length)).ok) return read;
  await rm(path, { force: true });
  return null;
}

function stored(
  settings: IngestSettings,
  base: Pick<StoredPrompt, 'name' | 'source' | 'mtime' | 'sourceKey'>,
  path: string,
  { bytes, identity }: FileRead,
  converted: boolean,
): StoredPrompt {
  const hash = sha256(bytes);
  const hashedName = hashedNameOf(base.name, hash);
  const info = inspectWavBytes(bytes, bytes.length);
  return {
    ...base,
    hashedName,
    url: settings.urlOf(hashedName),
    converted,
    path,
    size: bytes.length,
    etag: `"${hash.slice(0, 32)}"`,
    hash,
    durationSeconds: info.durationSeconds,
    bytes: bytes.length <= settings.maxMemoryBytes ? bytes : null,
    pathIdentity: identity,
  };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function toRelative(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
