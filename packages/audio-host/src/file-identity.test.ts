import { mkdir, mkdtemp, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityOf, isSameFile, readWithIdentity } from './file-identity.js';

describe('readWithIdentity', () => {
  let dir: string;
  let root: string;
  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'siphook-identity-')));
    root = join(dir, 'root');
    await mkdir(join(root, 'de'), { recursive: true });
    await mkdir(join(dir, 'outside'));
    await writeFile(join(root, 'de', 'menu.wav'), 'inside');
    await writeFile(join(dir, 'outside', 'menu.wav'), 'outside');
    // What a swap between realpath and open looks like: a folder under the root that leads out.
    await symlink(join(dir, 'outside'), join(root, 'swapped'));
    await symlink(join(root, 'de', 'menu.wav'), join(root, 'de', 'link.wav'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('returns the bytes with the identity of the file they were read from', async () => {
    const path = join(root, 'de', 'menu.wav');
    const read = await readWithIdentity(path, root);
    expect(read.bytes.toString()).toBe('inside');
    expect(read.identity).toEqual(identityOf(await stat(path)));
    expect(isSameFile(await stat(path), read.identity)).toBe(true);
    expect(isSameFile(await stat(join(dir, 'outside', 'menu.wav')), read.identity)).toBe(false);
  });

  it('refuses a file reached through a folder that leads out of the root', async () => {
    await expect(readWithIdentity(join(root, 'swapped', 'menu.wav'), root)).rejects.toMatchObject({
      code: 'AUDIO_OUTSIDE_ROOT',
    });
    // Without a root (the host's own cache) the same path is read.
    expect((await readWithIdentity(join(root, 'swapped', 'menu.wav'))).bytes.toString()).toBe(
      'outside',
    );
  });

  it('never follows a symlink in the last component', async () => {
    await expect(readWithIdentity(join(root, 'de', 'link.wav'), root)).rejects.toMatchObject({
      code: 'ELOOP',
    });
  });
});
