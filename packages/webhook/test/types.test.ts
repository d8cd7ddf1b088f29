import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README examples compile for a consumer with the strictest settings (exactOptionalPropertyTypes,
// noUncheckedIndexedAccess, skipLibCheck off), with moduleResolution node16 and bundler, against
// what ships (dist/ through the workspace link).
const manifest = createRequire(import.meta.url).resolve('typescript/package.json');
const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { tsc: string } }).bin.tsc;
const tsc = join(dirname(manifest), bin);

describe('types for consumers', { timeout: 60_000 }, () => {
  it.each(['node16', 'bundler'])('compile the README examples (moduleResolution %s)', (kind) => {
    const config = new URL(`./consumer-types/tsconfig.${kind}.json`, import.meta.url).pathname;
    const result = spawnSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
