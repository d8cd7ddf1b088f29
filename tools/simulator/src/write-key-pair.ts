import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { SiphookError } from '@siphook/schema';
import { generateTestKeyPair } from './sign-body.js';

/** File names `writeTestKeyPair` uses inside its folder. */
export const KEY_FILE_NAMES = {
  privateKey: 'siphook-test-private-key.pem',
  publicKey: 'siphook-test-public-key.pem',
} as const;

/** Where a written key pair landed. */
export interface WrittenKeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
}

/**
 * Writes a fresh test key pair into `dir`: the private key with mode 0600, the public key with
 * 0644. Each file is written to a temporary name in the same folder and renamed, so a failure
 * never leaves half a key behind.
 *
 * @throws {SiphookError} `KEY_EXISTS` when a key file is already there and `force` is not set;
 *   `KEY_WRITE_FAILED` on an I/O error.
 */
export async function writeTestKeyPair(
  dir: string,
  options: { force?: boolean; modulusLength?: number } = {},
): Promise<WrittenKeyPair> {
  const privateKeyPath = path.resolve(dir, KEY_FILE_NAMES.privateKey);
  const publicKeyPath = path.resolve(dir, KEY_FILE_NAMES.publicKey);
  if (!options.force) {
    for (const file of [privateKeyPath, publicKeyPath]) {
      if (await exists(file)) {
        throw new SiphookError(
          'KEY_EXISTS',
          `key file ${file} already exists; pass --force to replace it`,
          { path: file },
        );
      }
    }
  }
  const keyPair = generateTestKeyPair({ modulusLength: options.modulusLength });
  try {
    await mkdir(path.resolve(dir), { recursive: true });
    await writeFileAtomic(privateKeyPath, keyPair.privateKey, 0o600);
    await writeFileAtomic(publicKeyPath, keyPair.publicKey, 0o644);
  } catch (error) {
    if (error instanceof SiphookError) throw error;
    throw new SiphookError(
      'KEY_WRITE_FAILED',
      `could not write the key pair to ${dir}: ${(error as Error).message}`,
      { path: dir },
      { cause: error },
    );
  }
  return { privateKeyPath, publicKeyPath };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `text` so that `file` is never half-written: a temp file in the same folder (created
 * with the final mode, never wider), fsync, rename. Used for key pairs and JUnit reports.
 */
export async function writeFileAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}
