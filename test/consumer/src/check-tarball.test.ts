import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkReadme, checkTarball, REPOSITORY_URL } from './check-tarball.js';

let root: string;
afterEach(() => rm(root, { recursive: true, force: true }));

async function unpacked(files: Record<string, string>): Promise<string> {
  root = await mkdtemp(path.join(tmpdir(), 'siphook-tarball-check-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return root;
}

const manifest = {
  name: '@siphook/example',
  version: '1.0.0',
  license: 'MIT',
  repository: { type: 'git', url: REPOSITORY_URL, directory: 'packages/example' },
  engines: { node: '>=20.18' },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  exports: {
    '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    './package.json': './package.json',
  },
};

describe('checkTarball', () => {
  it('passes a complete package, with a source map whose sources are embedded', async () => {
    const folder = await unpacked({
      'package.json': JSON.stringify(manifest),
      LICENSE: 'MIT',
      'dist/index.js': 'export {};\n//# sourceMappingURL=index.js.map\n',
      'dist/index.js.map': JSON.stringify({ sources: ['../src/index.ts'], sourcesContent: ['x'] }),
      'dist/index.d.ts': 'export {};\n',
    });
    expect(await checkTarball(folder, 'packages/example')).toEqual([]);
  });

  it('names compiled output whose source is gone (tsc -b leaves it in dist/)', async () => {
    const folder = await unpacked({
      'package/package.json': JSON.stringify(manifest),
      'package/LICENSE': 'MIT',
      'package/dist/index.js': 'export {};\n',
      'package/dist/index.d.ts': 'export {};\n',
      'package/dist/removed.js': 'export {};\n',
      'workspace/src/index.ts': 'export {};\n',
    });
    expect(
      await checkTarball(
        path.join(folder, 'package'),
        'packages/example',
        path.join(folder, 'workspace'),
      ),
    ).toEqual([
      'ships dist/removed.js, left over from a deleted src/removed.ts (remove packages/example/dist and build again)',
    ]);
  });

  it('names every problem of a package that is not fit to publish', async () => {
    const { repository: _repository, engines: _engines, ...bare } = manifest;
    const folder = await unpacked({
      'package.json': JSON.stringify({ ...bare, exports: { '.': './dist/index.js' } }),
      'dist/index.js': 'export {};\n//# sourceMappingURL=gone.js.map\n',
      'dist/index.d.ts.map': JSON.stringify({ sources: ['../src/index.ts'] }),
      'dist/.tsbuildinfo': '{}',
    });
    expect(await checkTarball(folder, 'packages/example')).toEqual([
      'no LICENSE file',
      `repository is undefined; expected { url: ${REPOSITORY_URL}, directory: packages/example }`,
      'no engines.node',
      'no "./package.json" export',
      'package.json names ./dist/index.d.ts, which is not in the tarball',
      'ships build info dist/.tsbuildinfo',
      'dist/index.d.ts.map: source ../src/index.ts is neither shipped nor embedded',
      'dist/index.js points at source map gone.js.map, which is not in the tarball',
    ]);
  });
});

describe('checkReadme', () => {
  it('refuses relative links and monorepo scripts, and ignores what code blocks hold', () => {
    const readme = [
      'See [the wav package](../wav) and [errors](https://github.com/siphook/siphook/blob/main/docs/errors.md).',
      '[ref]: ./docs/x.md',
      'Run `npm run demo`, or [jump](#usage).',
      '```json',
      '[',
      '  { "path": "/Response/Say[1]": "(x)" }',
      ']',
      '```',
      '```sh',
      'npm start',
      '```',
    ].join('\n');
    expect(checkReadme(readme)).toEqual([
      'relative link ../wav',
      'relative link ./docs/x.md',
      'monorepo command `npm run demo` (an npm user runs `npx siphook …`)',
      'monorepo command `npm start` (an npm user runs `npx siphook …`)',
    ]);
  });
});
