// A served folder swapped for a symlink to a folder outside the root (issue 12, item 2). O_NOFOLLOW
// guards only the last path component, and the outside file is made to look the same (name, size,
// mtime), so only the file's identity (device and inode, recorded at ingest) tells them apart.
import { mkdir, rename, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAudioHost } from '../src/index.js';
import { errorCodeOf, listen, makeTempDir, makeWav, rawRequest } from './helpers.js';

describe('a served folder replaced by a symlink to an outside folder', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir('folder-swap');
  });
  afterEach(() => temp.remove());

  it('never streams the outside file, under the plain or the hashed name, nor through fetch', async () => {
    const root = join(temp.dir, 'root');
    const outside = join(temp.dir, 'outside');
    await mkdir(join(root, 'de'), { recursive: true });
    await mkdir(outside);
    const inside = makeWav({ seconds: 2, seed: 440 });
    const secret = makeWav({ seconds: 2, seed: 660 });
    expect(secret.length).toBe(inside.length);
    expect(secret.equals(inside)).toBe(false);
    const served = join(root, 'de', 'menu.wav');
    await writeFile(served, inside);
    await writeFile(join(outside, 'menu.wav'), secret);
    // Same size and the same mtime, to the millisecond: size and mtime alone cannot tell them apart.
    await utimes(served, 1_700_000_000, 1_700_000_000);
    await utimes(join(outside, 'menu.wav'), 1_700_000_000, 1_700_000_000);

    const host = await createAudioHost({
      root,
      publicUrl: 'http://127.0.0.1:1',
      maxMemoryBytes: 1024,
    });
    const http = await listen(host.handle);
    try {
      const [prompt] = host.prompts();
      expect(prompt).toMatchObject({ name: 'de/menu.wav', converted: false, size: inside.length });
      const hashed = `/${prompt!.hashedName}`;
      expect((await rawRequest(http.port, '/de/menu.wav')).body.equals(inside)).toBe(true);

      await rename(join(root, 'de'), join(temp.dir, 'de-moved'));
      await symlink(outside, join(root, 'de'));

      // Each request is refused (503) and starts a rescan, after which the name is gone (404).
      const fetched = await host.fetch(new Request(`http://127.0.0.1${hashed}`));
      expect(fetched.status).toBe(503);
      expect(errorCodeOf(new Uint8Array(await fetched.arrayBuffer()))).toBe('AUDIO_FILE_CHANGED');
      for (const target of [hashed, '/de/menu.wav']) {
        const response = await rawRequest(http.port, target);
        expect(response.body.includes(secret.subarray(44, 1044)), target).toBe(false);
        expect([503, 404], target).toContain(response.status);
      }

      // The rescan the 503 starts finds no folder `de` (a symlink out of the root is not walked).
      await host.rescan();
      expect(host.prompts()).toEqual([]);
      for (const target of ['/de/menu.wav', hashed])
        expect((await rawRequest(http.port, target)).status, target).toBe(404);
    } finally {
      await http.close();
      await host.close();
    }
  });
});
