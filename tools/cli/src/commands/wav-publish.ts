import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { SiphookError } from '@siphook/schema/errors';
import { type Command, InvalidArgumentError } from 'commander';
import { clipMessage } from '../clip.js';
import { type CommandContext, ExitCode } from '../context.js';
import { loadOptionalPackage } from '../load-optional-package.js';
import { IO_CODES, planJobs, runJobs, UsageError } from './wav-convert.js';

interface PublishFlags {
  endpoint?: string;
  publicUrl?: string;
  region?: string;
  manifest?: string;
  jobs?: number;
  json?: boolean;
}

function parseJobs(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(`expected a whole number ≥ 1; received "${value}"`);
  return Number(value);
}

/** Reads the manifest published before; a missing file is an empty manifest. */
async function readManifest(file: string | undefined): Promise<Record<string, string>> {
  if (file === undefined) return {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new SiphookError(
      'IO_ERROR',
      `cannot read --manifest ${file}: ${(error as Error).message}`,
    );
  }
  // The rule of what a flow's `prompts:` manifest holds lives with the flows, in @siphook/server.
  const { parsePromptManifest } = await import('@siphook/server');
  return parsePromptManifest(text, file);
}

/**
 * `siphook wav publish <dir> s3://bucket/prefix`: converts every prompt in a folder, uploads each
 * under a content-hashed key to S3 (or an S3-compatible store), checks its public URL and prints
 * the manifest (name → URL) a flow's `prompts:` can point to. Needs @siphook/s3-prompts, which
 * brings the AWS SDK: only users who publish install it.
 */
export function registerWavPublish(wav: Command, context: CommandContext): void {
  wav
    .command('publish')
    .description(
      'convert a folder of prompts and publish them to S3 (content-hashed, immutable), then print the manifest',
    )
    .argument('<dir>', 'folder of prompts (any audio; converted to Play WAVs)')
    .argument('<destination>', 's3://bucket/prefix')
    .option('--endpoint <url>', 'an S3-compatible endpoint (MinIO, R2, Ceph…); default AWS S3')
    .option(
      '--public-url <url>',
      'where the objects are publicly reachable, e.g. a CDN (default: their S3 URL)',
    )
    .option('--region <name>', 'the bucket region (default: from the AWS chain, else us-east-1)')
    .option(
      '--manifest <file>',
      'the manifest to update: read first, written atomically; failed prompts keep their entry',
    )
    .option('-j, --jobs <n>', 'conversions at once (default: the core count)', parseJobs)
    .option('--json', 'print every prompt with its key, URL and outcome as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Credentials come from the standard AWS chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE',
        'and ~/.aws, SSO, container or instance roles) and are never printed. Unchanged prompts keep their',
        'key and are not uploaded again. Needs: npm install @siphook/s3-prompts',
        'Exit status: 0 all published, 1 any prompt not published (upload, check or audio), 2 usage or I/O error.',
      ].join('\n'),
    )
    .action(async (dir: string, destination: string, flags: PublishFlags) => {
      await publish(dir, destination, flags, context);
    });
}

async function publish(
  dir: string,
  destination: string,
  flags: PublishFlags,
  context: CommandContext,
): Promise<void> {
  const { parseS3Destination, publishPrompts } = await loadOptionalPackage<
    typeof import('@siphook/s3-prompts')
  >('@siphook/s3-prompts', 'siphook wav publish', () => import('@siphook/s3-prompts'));
  parseS3Destination(destination); // a bad destination stops before any conversion
  const previous = await readManifest(flags.manifest);
  const work = await mkdtemp(join(tmpdir(), 'siphook-publish-'));
  try {
    let jobs: Awaited<ReturnType<typeof planJobs>>;
    try {
      jobs = await planJobs([dir], `${work}${sep}`);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      context.stderr.write(`siphook wav publish: ${clipMessage(error.message, [dir])}\n`);
      context.setExitCode(ExitCode.usage);
      return;
    }
    const converted = await runJobs(
      jobs,
      {},
      {
        concurrency: Math.min(jobs.length, flags.jobs ?? availableParallelism()),
        signal: context.signal,
      },
    );
    const prompts = [];
    for (const outcome of converted) {
      if (outcome.ok) {
        prompts.push({
          name: relative(work, outcome.output).split(sep).join('/'),
          file: outcome.output,
        });
        continue;
      }
      const code = outcome.error?.code ?? 'WAV_WRITE_FAILED';
      context.setExitCode(IO_CODES.has(code) ? ExitCode.usage : ExitCode.notCompliant);
      context.stderr.write(
        `siphook wav publish: ${clipMessage(`${outcome.input}: not converted: ${outcome.error?.message ?? code}`, [outcome.input])}\n`,
      );
    }
    const result = await publishPrompts(prompts, {
      destination,
      previous,
      signal: context.signal,
      ...(flags.endpoint === undefined ? {} : { endpoint: flags.endpoint }),
      ...(flags.publicUrl === undefined ? {} : { publicUrl: flags.publicUrl }),
      ...(flags.region === undefined ? {} : { region: flags.region }),
    });
    for (const outcome of result.prompts) {
      if (outcome.ok) {
        context.stderr.write(
          `${outcome.name} → ${outcome.url} (${outcome.uploaded ? 'uploaded' : 'unchanged'})\n`,
        );
        continue;
      }
      context.setExitCode(ExitCode.notCompliant);
      context.stderr.write(
        `siphook wav publish: ${clipMessage(outcome.error?.message ?? outcome.name)}\n`,
      );
    }
    const manifestText = `${JSON.stringify(result.manifest, null, 2)}\n`;
    if (flags.manifest !== undefined) {
      const { writeFileAtomic } = await import('@siphook/simulator');
      await writeFileAtomic(flags.manifest, manifestText);
    }
    context.stdout.write(
      flags.json === true
        ? `${JSON.stringify({ manifest: result.manifest, prompts: result.prompts }, null, 2)}\n`
        : manifestText,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
