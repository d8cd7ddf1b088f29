import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { clipMessage } from './clip.js';
import { type CommandContext, ExitCode } from './context.js';

/** What a worker tells the primary: it listens (with what the banner shows), or it cannot start. */
export type WorkerReport<Info = unknown> =
  | { type: 'siphook:listening'; info: Info }
  | { type: 'siphook:failed'; message: string; exitCode: ExitCode };

/** True in a process that `siphook server --workers` forked. */
export function isServerWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: tells the primary how starting went. */
export function reportToPrimary<Info>(report: WorkerReport<Info>): void {
  process.send?.(report);
}

/** In a worker: lets the process end once its server is closed (the IPC channel holds it open). */
export function leaveCluster(): void {
  if (cluster.isWorker) process.disconnect?.();
}

/** Most workers `--workers` accepts: far beyond any core count this runs on. */
const MAX_WORKERS = 256;

/**
 * Reads `--workers [n]`: no value means one per core (`availableParallelism()`).
 *
 * @example parseWorkers('2') // 2
 */
export function parseWorkers(value: string | boolean): number {
  if (value === true || value === '') return availableParallelism();
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_WORKERS)
    throw new InvalidArgumentError(
      `expected a whole number of worker processes from 1 to ${MAX_WORKERS}; received "${clipMessage(text)}"`,
    );
  return Number(text);
}

/** How the primary prints what the first worker reported once every worker listens. */
export type DescribeWorkers<Info> = (info: Info, workers: number) => string;

/**
 * The primary of `siphook server --workers N`: forks N workers that run the same command line
 * and share its port (node:cluster), prints the startup text once every worker listens, and keeps
 * N running: a worker that dies is replaced. A worker that cannot start (a bad flow, Redis
 * unreachable) stops them all, and its message and exit status become the command's. SIGTERM or
 * SIGINT (or the context's signal) stops every worker gracefully, each finishing its in-flight
 * requests; the primary ends when the last one has.
 */
export function runPrimary<Info>(
  count: number,
  context: CommandContext,
  describe: DescribeWorkers<Info>,
): Promise<void> {
  return new Promise((resolve) => {
    const listening = new Set<Worker>();
    let started = false;
    let stopping = false;
    const stopAll = (): void => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {}))
        if (worker !== undefined && !worker.isDead()) worker.process.kill('SIGTERM');
    };
    const onSignal = (): void => {
      if (!stopping) context.stderr.write('siphook server: stopping the workers\n');
      stopAll();
    };
    const fork = (): void => {
      const worker = cluster.fork();
      worker.on('message', (report: WorkerReport<Info>) => {
        if (report.type === 'siphook:listening') {
          listening.add(worker);
          if (!started && listening.size === count) {
            started = true;
            context.stdout.write(describe(report.info, count));
            resolve();
          }
        } else if (report.type === 'siphook:failed' && !stopping) {
          context.stderr.write(`siphook server: ${clipMessage(report.message)}\n`);
          context.setExitCode(report.exitCode);
          process.exitCode = report.exitCode;
          stopAll();
        }
      });
      worker.on('exit', (code, signal) => {
        listening.delete(worker);
        const alive = Object.values(cluster.workers ?? {}).filter(Boolean).length;
        if (stopping) {
          if (alive === 0) {
            process.off('SIGTERM', onSignal);
            process.off('SIGINT', onSignal);
            if (started) context.stderr.write('siphook server stopped\n');
            resolve();
          }
          return;
        }
        if (!started) {
          // Died before listening without saying why (a crash): do not loop on it.
          context.stderr.write(
            `siphook server: a worker exited before listening (${signal ?? `exit code ${code}`})\n`,
          );
          context.setExitCode(ExitCode.usage);
          process.exitCode = ExitCode.usage;
          stopAll();
          return;
        }
        context.stderr.write(
          `siphook server: worker ${worker.process.pid} ended (${signal ?? `exit code ${code}`}); starting another\n`,
        );
        fork();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    if (context.signal.aborted) stopping = true;
    else context.signal.addEventListener('abort', onSignal, { once: true });
    if (!stopping) for (let i = 0; i < count; i++) fork();
    else resolve();
  });
}
