// Fuzz target: Range headers (with If-Range now and then) against a prompt served from memory and
// one streamed from disk, over real HTTP (issue 12, "Also"). Every answer must keep its own
// promises: 200 with the whole file, 206 whose Content-Range matches the bytes sent, or 416 with
// `bytes */size`; never a 5xx. A plain `bytes=a-b` is also checked against RFC 9110's rule.
// Fixed seed; the run count comes from SIPHOOK_FUZZ_RUNS (200 in `npm test`, more in `npm run fuzz`).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudioHost, createAudioHost } from '../src/index.js';
import { listen, makeTempDir, makeWav, type RawResponse, rawRequest } from './helpers.js';

const RUNS = Number(process.env.SIPHOOK_FUZZ_RUNS ?? 200);

const position = fc.oneof(
  fc.nat({ max: 20_000 }),
  fc.constantFrom(0, 1, 43, 44, 4_043, 4_044, 4_045, 16_043, 16_044, 16_045),
  fc.constantFrom(2 ** 31, 2 ** 53, '9'.repeat(30), '007', '-1', '1.5', ' 3'),
);

/** A Range header: usually one well-formed range, otherwise lists, odd units, spaces or noise. */
const rangeHeader = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(position, position).map(([a, b]) => `bytes=${a}-${b}`) },
  { weight: 2, arbitrary: position.map((a) => `bytes=${a}-`) },
  { weight: 2, arbitrary: position.map((b) => `bytes=-${b}`) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(fc.option(position), fc.option(position)), { minLength: 1, maxLength: 4 })
      .map((ranges) => `bytes=${ranges.map(([a, b]) => `${a ?? ''}-${b ?? ''}`).join(',')}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('bytes', 'Bytes', 'BYTES', 'items', 'bytes ', ''),
        fc.string({ maxLength: 12 }),
      )
      .map(([unit, rest]) => `${unit}=${rest}`),
  },
  // Any visible ASCII or tab, as a header value may carry it.
  { weight: 1, arbitrary: fc.stringMatching(/^[\t\x20-\x7e]{0,30}$/) },
);

interface Prompt {
  target: string;
  bytes: Buffer;
  etag: string;
}

/** The RFC 9110 outcome of `bytes=a-b`, `bytes=a-` or `bytes=-n` with plain digits, or undefined. */
function expected(header: string, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header);
  if (match === null || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? 'unsatisfiable' : [Math.max(0, size - suffix), size - 1];
  }
  const first = Number(match[1]);
  const last = match[2] === '' ? size - 1 : Number(match[2]);
  if (first >= size || last < first) return 'unsatisfiable';
  return [first, Math.min(last, size - 1)];
}

function checkAnswer(response: RawResponse, prompt: Prompt, header: string, honoured: boolean) {
  const size = prompt.bytes.length;
  expect([200, 206, 416]).toContain(response.status);
  if (response.status === 200) {
    expect(response.body.equals(prompt.bytes)).toBe(true);
  } else if (response.status === 206) {
    const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers['content-range'] ?? '');
    expect(match).not.toBeNull();
    const [start, end, total] = [Number(match![1]), Number(match![2]), Number(match![3])];
    expect(total).toBe(size);
    expect(start).toBeLessThanOrEqual(end);
    expect(end).toBeLessThan(size);
    expect(response.body.equals(prompt.bytes.subarray(start, end + 1))).toBe(true);
  } else {
    expect(response.headers['content-range']).toBe(`bytes */${size}`);
  }
  const rule = honoured ? expected(header, size) : undefined;
  if (rule === 'unsatisfiable') expect(response.status).toBe(416);
  else if (rule !== undefined) {
    expect(response.status).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes ${rule[0]}-${rule[1]}/${size}`);
  }
}

describe('fuzz: Range headers', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let host: AudioHost;
  let http: Awaited<ReturnType<typeof listen>>;
  let prompts: Prompt[];

  beforeAll(async () => {
    temp = await makeTempDir('fuzz-ranges');
    const small = makeWav({ seconds: 0.25, seed: 440 }); // 4044 bytes, from memory
    const large = makeWav({ seconds: 1, seed: 550 }); // 16044 bytes, streamed
    await writeFile(join(temp.dir, 'small.wav'), small);
    await writeFile(join(temp.dir, 'large.wav'), large);
    host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      maxMemoryBytes: 8192,
    });
    http = await listen(host.handle);
    prompts = host.prompts().map((prompt) => ({
      target: `/${prompt.hashedName}`,
      bytes: prompt.name === 'small.wav' ? small : large,
      etag: prompt.etag,
    }));
  });
  afterAll(async () => {
    await http.close();
    await host.close();
    await temp.remove();
  });

  it('keeps every promise of 200, 206 and 416, from memory and from disk', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 1 }),
        rangeHeader,
        fc.constantFrom('none', 'etag', 'stale'),
        async (which, range, ifRange) => {
          const prompt = prompts[which]!;
          const headers: Record<string, string> = { Range: range };
          if (ifRange === 'etag') headers['If-Range'] = prompt.etag;
          if (ifRange === 'stale') headers['If-Range'] = '"0123456789abcdef0123456789abcdef"';
          const response = await rawRequest(http.port, prompt.target, { headers });
          if (ifRange === 'stale') {
            expect(response.status).toBe(200);
            expect(response.body.equals(prompt.bytes)).toBe(true);
            return;
          }
          checkAnswer(response, prompt, range, true);
        },
      ),
      { seed: 20_261_204, numRuns: RUNS },
    );
  });

  it('keeps the same promises through fetch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 1 }), rangeHeader, async (which, range) => {
        const prompt = prompts[which]!;
        const response = await host.fetch(
          new Request(`http://127.0.0.1${prompt.target}`, { headers: { Range: range.trim() } }),
        );
        const body = Buffer.from(await response.arrayBuffer());
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          headers[name] = value;
        });
        checkAnswer(
          { status: response.status, headers, body, text: '' },
          prompt,
          range.trim(),
          true,
        );
      }),
      { seed: 20_261_204, numRuns: RUNS },
    );
  });
});
