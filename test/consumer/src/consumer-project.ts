import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type PublishedPackage, REPOSITORY_ROOT, readPackageJson } from './published-packages.js';
import { compiledBlocks } from './readme-blocks.js';
import { runCommand } from './run-command.js';

/** Registry packages the consumer installs beside the tarballs, as a user would. */
export const FRAMEWORKS: Record<string, string> = {
  express: '^5',
  '@types/express': '^5',
  fastify: '^5',
  hono: '^4',
  '@hono/node-server': '^2',
};

/** The compilers: `typescript` is the repository's own (7), `typescript-5` the latest 5.x. */
export const COMPILERS = [
  { name: 'typescript', major: 7 },
  { name: 'typescript-5', major: 5 },
] as const;

/** A packed package: its manifest name, tarball and unpacked `package/` folder. */
export interface Tarball {
  name: string;
  directory: string;
  file: string;
  unpacked: string;
}

async function mustRun(command: string, args: string[], cwd: string, timeoutMs?: number) {
  const result = await runCommand(command, args, { cwd, ...(timeoutMs ? { timeoutMs } : {}) });
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

/**
 * `npm pack` of every published workspace into `destination`, then each tarball unpacked beside
 * it. Turbo has built them already (this workspace's test depends on their build), so pack skips
 * `prepack`, which would start a second turbo inside this one.
 */
export async function packAll(
  packages: readonly PublishedPackage[],
  destination: string,
): Promise<Tarball[]> {
  await mkdir(destination, { recursive: true });
  const args = ['pack', '--ignore-scripts', '--json', '--pack-destination', destination];
  for (const { directory } of packages) args.push('--workspace', directory);
  const { stdout } = await mustRun('npm', args, REPOSITORY_ROOT);
  const packed = JSON.parse(stdout) as { name: string; filename: string }[];
  const tarballs: Tarball[] = [];
  for (const { directory, manifest } of packages) {
    const entry = packed.find((candidate) => candidate.name === manifest.name);
    if (entry === undefined) throw new Error(`npm pack did not pack ${manifest.name}`);
    const file = path.join(destination, entry.filename);
    const folder = path.join(destination, entry.filename.replace(/\.tgz$/, ''));
    await mkdir(folder, { recursive: true });
    await mustRun('tar', ['-xzf', file, '-C', folder], destination);
    tarballs.push({
      name: manifest.name,
      directory,
      file,
      unpacked: path.join(folder, 'package'),
    });
  }
  return tarballs;
}

/**
 * Writes the consumer project in `root` (outside the workspace): package.json naming the
 * tarballs, the frameworks and both compilers; the fixture (tsconfigs and one app per framework);
 * and every README block that must compile (see `compiledBlocks`) as its own module under
 * `src/readme/`. Then `npm install`.
 * Returns where each README block came from, keyed by its file in the project.
 */
export async function createConsumerProject(
  root: string,
  tarballs: readonly Tarball[],
): Promise<Map<string, { readme: string; line: number }>> {
  const repository = await readPackageJson(REPOSITORY_ROOT);
  const dev = repository.devDependencies ?? {};
  const typescript = dev['typescript'];
  const typesNode = dev['@types/node'];
  if (typescript === undefined || typesNode === undefined) {
    throw new Error('the root package.json names no typescript or @types/node');
  }
  const dependencies: Record<string, string> = {};
  for (const tarball of tarballs) dependencies[tarball.name] = `file:${tarball.file}`;
  await writeFile(
    path.join(root, 'package.json'),
    `${JSON.stringify(
      {
        name: 'siphook-consumer',
        private: true,
        type: 'module',
        dependencies: { ...dependencies, ...FRAMEWORKS },
        devDependencies: {
          typescript,
          'typescript-5': 'npm:typescript@^5',
          '@types/node': `^${typesNode.split('.')[0]}`,
        },
      },
      null,
      2,
    )}\n`,
  );
  await cp(path.join(REPOSITORY_ROOT, 'test/consumer/fixture'), root, { recursive: true });

  const sources = new Map<string, { readme: string; line: number }>();
  const readmes = [
    { label: 'README.md', file: path.join(REPOSITORY_ROOT, 'README.md') },
    ...tarballs.map((tarball) => ({
      label: `${tarball.directory}/README.md`,
      file: path.join(tarball.unpacked, 'README.md'),
    })),
  ];
  await mkdir(path.join(root, 'src/readme'), { recursive: true });
  for (const { label, file } of readmes) {
    for (const block of compiledBlocks(await readFile(file, 'utf8'))) {
      const name = `src/readme/${label.replace(/\/README\.md$|\.md$/, '').replace(/\W+/g, '-')}-${block.line}${block.extension}`;
      // Each block is a module of its own, as if pasted into an empty file.
      await writeFile(path.join(root, name), `${block.code}\nexport {};\n`);
      sources.set(name, { readme: label, line: block.line });
    }
  }

  await mustRun(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    root,
    300_000,
  );
  return sources;
}

/**
 * tsc output with README block locations (`src/readme/xml-28.ts(3,5)`) turned into the README's
 * own (`packages/xml/README.md:30:5`), so a failure points at the line to fix.
 */
export function mapToReadmes(
  output: string,
  sources: ReadonlyMap<string, { readme: string; line: number }>,
): string {
  return output.replace(
    /(src\/readme\/[\w-]+\.(?:ts|mjs))\((\d+),(\d+)\)/g,
    (whole, file, line, column) => {
      const source = sources.get(file);
      return source === undefined
        ? whole
        : `${source.readme}:${source.line + Number(line) - 1}:${column}`;
    },
  );
}
