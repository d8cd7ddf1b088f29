import { SiphookError } from '@siphook/schema/errors';

/**
 * Loads a package the CLI lists as an optional peer (the Redis store, the S3 publisher), so that
 * users who never run the command never install its client library.
 *
 * @throws {SiphookError} `PACKAGE_MISSING` naming the command, the package and the install line.
 * @example await loadOptionalPackage('@siphook/s3-prompts', 'siphook wav publish', () => import('@siphook/s3-prompts'))
 */
export async function loadOptionalPackage<T>(
  name: string,
  command: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing =
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      (error as Error).message.includes(`'${name}'`);
    if (!missing) throw error;
    throw new SiphookError(
      'PACKAGE_MISSING',
      `${command} needs ${name}, which is not installed; install it beside siphook: npm install ${name}`,
      { package: name },
    );
  }
}
