// The packages as an npm user gets them: packed, installed outside the workspace beside Express,
// Fastify and Hono, README code compiled under the strictest settings with TypeScript 5 and 7, and
// one app per framework taking a signed call from `npx siphook simulate`.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeCanonicalHeader } from '@siphook/wav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReadme, checkTarball } from './check-tarball.js';
import {
  COMPILERS,
  createConsumerProject,
  mapToReadmes,
  packAll,
  type Tarball,
} from './consumer-project.js';
import {
  listPublishedPackages,
  type PublishedPackage,
  REPOSITORY_ROOT,
  readPackageJson,
} from './published-packages.js';
import { runCommand, startProcess } from './run-command.js';

const published = await listPublishedPackages();
const APPS = ['node-http', 'express', 'fastify', 'hono'] as const;
const PRIVATE_KEY = 'keys/siphook-test-private-key.pem';
const PUBLIC_KEY = 'keys/siphook-test-public-key.pem';

let work: string;
let project: string;
let tarballs: Tarball[];
let readmeSources: Map<string, { readme: string; line: number }>;

/** One second of a 440 Hz tone as a Play WAV, the menu prompt of the node:http app. */
function menuPrompt(): Uint8Array {
  const samples = new Int16Array(8000);
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
  }
  const header = encodeCanonicalHeader(samples.byteLength);
  const wav = new Uint8Array(header.length + samples.byteLength);
  wav.set(header);
  wav.set(new Uint8Array(samples.buffer), header.length);
  return wav;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'siphook-consumer-'));
  project = path.join(work, 'project');
  await mkdir(project);
  tarballs = await packAll(published, path.join(work, 'tarballs'));
  readmeSources = await createConsumerProject(project, tarballs);
  await mkdir(path.join(project, 'prompts'));
  await writeFile(path.join(project, 'prompts/menu.wav'), menuPrompt());
  const keygen = await runCommand('npx', ['siphook', 'simulate', 'keygen', '--out', 'keys'], {
    cwd: project,
  });
  expect(keygen.code, keygen.stderr).toBe(0);
  // The apps run as compiled JavaScript, emitted by the repository's compiler. Type errors are the
  // type-check tests' to report; tsc emits regardless, so the apps still run.
  await runCommand('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.node16.json'], {
    cwd: project,
  });
});

afterAll(async () => {
  if (work !== undefined && process.env['SIPHOOK_KEEP_CONSUMER'] === undefined) {
    await rm(work, { recursive: true, force: true });
  }
});

describe('the published packages', () => {
  it('are every non-private workspace, and this test builds after each of them', async () => {
    const names = published.map(({ manifest }) => manifest.name);
    expect(names).toEqual(expect.arrayContaining(['@siphook/schema', 'siphook']));
    // turbo orders this test after the builds of its dependencies only.
    const own = await readPackageJson(path.join(REPOSITORY_ROOT, 'test/consumer'));
    expect(Object.keys(own.devDependencies ?? {}).sort()).toEqual([...names].sort());
  });

  it.each(published.map((entry): [string, PublishedPackage] => [entry.manifest.name, entry]))(
    '%s: the tarball has a LICENSE, repository, engines, a ./package.json export, no build info or leftover output, no dangling source map',
    async (name) => {
      const tarball = tarballs.find((candidate) => candidate.name === name);
      expect(tarball).toBeDefined();
      if (tarball === undefined) return;
      const sources = path.join(REPOSITORY_ROOT, tarball.directory);
      expect(await checkTarball(tarball.unpacked, tarball.directory, sources)).toEqual([]);
    },
  );

  it.each(published.map((entry) => [entry.manifest.name]))(
    '%s: the README links absolutely and shows npx siphook commands, not monorepo scripts',
    async (name) => {
      const tarball = tarballs.find((candidate) => candidate.name === name);
      if (tarball === undefined) throw new Error(`${name} was not packed`);
      expect(checkReadme(await readFile(path.join(tarball.unpacked, 'README.md'), 'utf8'))).toEqual(
        [],
      );
    },
  );
});

describe('README code and the apps compile for a consumer', () => {
  it('there are README blocks to compile', () => {
    expect(readmeSources.size).toBeGreaterThan(0);
  });

  for (const compiler of COMPILERS) {
    for (const resolution of ['node16', 'bundler']) {
      it(`under TypeScript ${compiler.major}, moduleResolution ${resolution}, exactOptionalPropertyTypes, skipLibCheck false`, async () => {
        const tsc = `node_modules/${compiler.name}/bin/tsc`;
        const version = await runCommand('node', [tsc, '--version'], { cwd: project });
        expect(version.stdout).toMatch(new RegExp(`Version ${compiler.major}\\.`));
        const result = await runCommand(
          'node',
          [tsc, '-p', `tsconfig.${resolution}.json`, '--noEmit'],
          { cwd: project },
        );
        expect(result.code, mapToReadmes(result.stdout + result.stderr, readmeSources)).toBe(0);
      });
    }
  }
});

describe('a signed simulated call through each framework', () => {
  it.each(APPS)('%s', async (app) => {
    const server = startProcess('node', [`dist/${app}.js`, PUBLIC_KEY], { cwd: project });
    try {
      const [, url] = await server.waitForLine(/^listening on (\S+)/);
      if (url === undefined) throw new Error('no URL announced');
      const signed = await runCommand(
        'npx',
        ['siphook', 'simulate', url, '--sign-key', PRIVATE_KEY, '--dtmf', '1'],
        { cwd: project },
      );
      expect(signed.code, `${signed.stdout}\n${signed.stderr}\n${server.output()}`).toBe(0);
      expect(signed.stdout).toMatch(/Dial 4915799912345/);
      if (app === 'node-http') expect(signed.stdout).toMatch(/✓ Play .*playable WAV/);
      // The app checks the signature: the same call unsigned is refused.
      const unsigned = await runCommand('npx', ['siphook', 'simulate', url, '--dtmf', '1'], {
        cwd: project,
      });
      expect(unsigned.code, unsigned.stdout).toBe(1);
      expect(unsigned.stdout).toMatch(/401/);
    } finally {
      await server.stop();
    }
  });
});

describe('the siphook command for an npm user', () => {
  it('npx siphook demo places one signed call through the demo flow', async () => {
    const demo = await runCommand('npx', ['siphook', 'demo'], { cwd: project });
    expect(demo.code, `${demo.stdout}\n${demo.stderr}`).toBe(0);
    expect(demo.stdout).toMatch(/demo call: ✓ passed/);
  });

  it('npx siphook server: the banner says how to place a signed call, and following it works', async () => {
    // Without a trusted key the banner explains how to get one (keygen ran already, as it says).
    const plain = startProcess('npx', ['siphook', 'server', '--port', '0'], { cwd: project });
    try {
      await plain.waitForLine(/^Stop with Ctrl\+C/);
      const banner = plain.output();
      expect(banner).not.toMatch(/\bnpm (start|run)\b/);
      expect(banner).toContain('npx siphook simulate keygen --out keys');
      expect(banner).toContain(`--trust-key ${PUBLIC_KEY}`);
      expect(banner).toContain('npx siphook demo');
    } finally {
      await plain.stop();
    }
    // Restarted with the key, it prints the simulate command that signs; that command passes.
    const trusting = startProcess(
      'npx',
      ['siphook', 'server', '--port', '0', '--trust-key', PUBLIC_KEY],
      { cwd: project },
    );
    try {
      const [, command] = await trusting.waitForLine(/^\s+(npx siphook simulate .*)$/);
      if (command === undefined) throw new Error('no simulate command in the banner');
      expect(command).toContain(`--sign-key ${PRIVATE_KEY}`);
      const [npx, ...args] = command.trim().split(/\s+/);
      const call = await runCommand(npx ?? 'npx', args, { cwd: project });
      expect(call.code, `${call.stdout}\n${call.stderr}`).toBe(0);
    } finally {
      await trusting.stop();
    }
  });
});
