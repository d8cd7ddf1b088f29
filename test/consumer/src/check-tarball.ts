import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PackageJson } from './published-packages.js';

/** The repository every package.json must name, as npm and `--provenance` read it. */
export const REPOSITORY_URL = 'git+https://github.com/siphook/siphook.git';

/** Every file below `root`, as `/`-separated relative paths. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    )
    .sort();
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Every string leaf of an `exports` map (conditions and subpaths alike). */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(exportTargets);
}

/**
 * What is wrong with an unpacked tarball (`root` is its `package/` folder) for a user who installs
 * it: each problem as one sentence; none means it is fit to publish. With `sources` (the
 * workspace folder), compiled output must come from a source that still exists: `tsc -b` leaves
 * the output of a deleted file in `dist/`, and `npm pack` would ship it.
 */
export async function checkTarball(
  root: string,
  directory: string,
  sources?: string,
): Promise<string[]> {
  const problems: string[] = [];
  const files = await listFiles(root);
  const manifest = JSON.parse(
    await readFile(path.join(root, 'package.json'), 'utf8'),
  ) as PackageJson;

  if (!files.includes('LICENSE')) problems.push('no LICENSE file');
  if (manifest.license === undefined) problems.push('package.json has no license');
  const repository = typeof manifest.repository === 'string' ? undefined : manifest.repository;
  if (repository?.url !== REPOSITORY_URL || repository.directory !== directory) {
    problems.push(
      `repository is ${JSON.stringify(manifest.repository)}; expected { url: ${REPOSITORY_URL}, directory: ${directory} }`,
    );
  }
  if (manifest.engines?.node === undefined) problems.push('no engines.node');
  if (manifest.exports?.['./package.json'] !== './package.json') {
    problems.push('no "./package.json" export');
  }

  // Everything package.json points at ships.
  const bin = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  const targets = [...exportTargets(manifest.exports), manifest.main, manifest.types, ...bin];
  for (const target of targets) {
    if (target !== undefined && !(await exists(path.join(root, target)))) {
      problems.push(`package.json names ${target}, which is not in the tarball`);
    }
  }

  for (const file of files) {
    if (file.endsWith('.tsbuildinfo')) problems.push(`ships build info ${file}`);
    // Files under an assets/ folder come from a bundler (the inspector page's Vite build, with
    // hashed names), not from tsc, so they have no source file of their own name.
    const compiled = /(^|\/)assets\//.test(file)
      ? undefined
      : /^dist\/(.+)\.(m?js|d\.m?ts)$/.exec(file)?.[1];
    if (sources !== undefined && compiled !== undefined) {
      const candidates = ['.ts', '.mts', '.tsx'].map((ext) =>
        path.join(sources, 'src', compiled + ext),
      );
      if (!(await Promise.all(candidates.map(exists))).includes(true)) {
        problems.push(
          `ships ${file}, left over from a deleted src/${compiled}.ts (remove ${directory}/dist and build again)`,
        );
      }
    }
    if (file.endsWith('.map')) problems.push(...(await checkSourceMap(root, file)));
    if (/\.(c|m)?js$|\.d\.(c|m)?ts$/.test(file)) {
      const text = await readFile(path.join(root, file), 'utf8');
      const reference = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
      if (
        reference !== undefined &&
        !reference.startsWith('data:') &&
        !(await exists(path.join(root, path.dirname(file), reference)))
      ) {
        problems.push(`${file} points at source map ${reference}, which is not in the tarball`);
      }
    }
  }
  return problems;
}

/** A source map resolves when each source ships or its content is embedded. */
async function checkSourceMap(root: string, file: string): Promise<string[]> {
  const map = JSON.parse(await readFile(path.join(root, file), 'utf8')) as {
    sourceRoot?: string;
    sources?: (string | null)[];
    sourcesContent?: (string | null)[];
  };
  const problems: string[] = [];
  for (const [index, source] of (map.sources ?? []).entries()) {
    if (source === null || typeof map.sourcesContent?.[index] === 'string') continue;
    const resolved = path.join(root, path.dirname(file), map.sourceRoot ?? '', source);
    if (!resolved.startsWith(root) || !(await exists(resolved))) {
      problems.push(`${file}: source ${source} is neither shipped nor embedded`);
    }
  }
  return problems;
}

/** Markdown link targets: `[text](target)` and reference definitions `[label]: target`. */
const LINK = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|^ {0,3}\[[^\]\n]+\]:\s*(\S+)/gm;
/** Fenced code blocks, which hold no links. */
const CODE_BLOCK = /^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm;

/**
 * What a README shipped to npm must not do: link relatively (npm's page has no repository around
 * it) or tell the reader to run the monorepo's own scripts.
 */
export function checkReadme(markdown: string): string[] {
  const problems: string[] = [];
  for (const match of markdown.replace(CODE_BLOCK, '').matchAll(LINK)) {
    const target = match[1] ?? match[2] ?? '';
    if (!/^(https?:|mailto:|#)/.test(target)) problems.push(`relative link ${target}`);
  }
  for (const match of markdown.matchAll(/\bnpm (start|run [\w:-]+)/g)) {
    problems.push(`monorepo command \`${match[0]}\` (an npm user runs \`npx siphook …\`)`);
  }
  return problems;
}
