// Worker thread of `siphook wav convert`: converts one job per message, so that several WAV
// conversions (CPU-bound TypeScript DSP) run on several cores. Replies with plain data only.
import { parentPort } from 'node:worker_threads';
import { isSiphookError } from '@siphook/schema/errors';
import { convertToPlayable } from '@siphook/wav';
import type { WorkerReply, WorkerRequest } from './wav-convert.js';

let controller = new AbortController();

parentPort?.on('message', async (request: WorkerRequest) => {
  if (request.type === 'abort') {
    controller.abort();
    return;
  }
  controller = new AbortController();
  let reply: WorkerReply;
  try {
    const result = await convertToPlayable(request.job.input, request.job.output, {
      ...request.options,
      signal: controller.signal,
    });
    // WavInfo holds only plain data, so the result survives structured cloning.
    reply = { ok: true, result };
  } catch (error) {
    reply = {
      ok: false,
      error: {
        code: isSiphookError(error) ? error.code : 'WAV_WRITE_FAILED',
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
  parentPort?.postMessage(reply);
});
