import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSiphookError } from '@siphook/schema';
import { describe, expect, it } from 'vitest';
import { KEY_FILE_NAMES, writeTestKeyPair } from './write-key-pair.js';

describe('writeTestKeyPair', () => {
  it('writes a matching key pair, the private key with mode 0600, and no temp files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'siphook-keygen-'));
    const written = await writeTestKeyPair(path.join(dir, 'keys'), { modulusLength: 1024 });
    expect(path.basename(written.privateKeyPath)).toBe(KEY_FILE_NAMES.privateKey);
    expect((await stat(written.privateKeyPath)).mode & 0o777).toBe(0o600);
    const privateKey = createPrivateKey(await readFile(written.privateKeyPath, 'utf8'));
    const publicKey = createPublicKey(await readFile(written.publicKeyPath, 'utf8'));
    expect(createPublicKey(privateKey).export({ format: 'pem', type: 'spki' })).toBe(
      publicKey.export({ format: 'pem', type: 'spki' }),
    );
    expect((await readdir(path.join(dir, 'keys'))).sort()).toEqual(
      [KEY_FILE_NAMES.privateKey, KEY_FILE_NAMES.publicKey].sort(),
    );
  });

  it('refuses to overwrite a key unless forced', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'siphook-keygen-'));
    await writeFile(path.join(dir, KEY_FILE_NAMES.privateKey), 'keep me');
    const error = await writeTestKeyPair(dir, { modulusLength: 1024 }).catch((e: unknown) => e);
    expect(isSiphookError(error, 'KEY_EXISTS')).toBe(true);
    expect(await readFile(path.join(dir, KEY_FILE_NAMES.privateKey), 'utf8')).toBe('keep me');
    await writeTestKeyPair(dir, { modulusLength: 1024, force: true });
    expect(await readFile(path.join(dir, KEY_FILE_NAMES.privateKey), 'utf8')).toMatch(
      /BEGIN PRIVATE KEY/,
    );
  });

  it('reports an unwritable folder as KEY_WRITE_FAILED', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'siphook-keygen-'));
    const file = path.join(dir, 'a-file');
    await writeFile(file, '');
    const error = await writeTestKeyPair(path.join(file, 'sub'), { modulusLength: 1024 }).catch(
      (e: unknown) => e,
    );
    expect(isSiphookError(error, 'KEY_WRITE_FAILED')).toBe(true);
  });
});
