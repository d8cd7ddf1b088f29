import { readFile } from 'node:fs/promises';
import { fromZodIssues, HttpUrlSchema, SiphookError, summarizeIssues } from '@siphook/schema';
import { z } from 'zod';

/**
 * A prompt manifest, as `siphook wav publish` writes it: prompt names (`welcome.wav`,
 * `menu/options.wav`) to the absolute http(s) URLs they are published at. A flow's `prompts:` may
 * name such a `.json` file instead of a folder; the flow then plays those URLs.
 */
export const PromptManifestSchema = z.record(
  z.string().min(1, { error: 'a prompt name' }),
  HttpUrlSchema,
  { error: 'a JSON object of prompt names to http(s) URLs' },
);

/** A prompt name → its public URL. */
export type PromptManifest = z.output<typeof PromptManifestSchema>;

/** True when a flow's `prompts:` names a manifest file rather than a folder. */
export function isManifestPath(prompts: string): boolean {
  return prompts.toLowerCase().endsWith('.json');
}

/**
 * Checks a manifest file's text.
 *
 * @throws {SiphookError} `FLOW_INVALID` naming the file and each wrong entry.
 * @example parsePromptManifest('{"welcome.wav":"https://cdn.example.com/welcome.3f2a.wav"}', 'prompts.json')
 */
export function parsePromptManifest(text: string, file: string): PromptManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SiphookError(
      'FLOW_INVALID',
      `prompt manifest ${file}: expected a JSON object of prompt names to http(s) URLs; received text that is not JSON (${(error as Error).message.slice(0, 80)})`,
      { file },
    );
  }
  const parsed = PromptManifestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = fromZodIssues(parsed.error.issues, value);
  throw new SiphookError(
    'FLOW_INVALID',
    summarizeIssues(
      `prompt manifest ${file}: expected a JSON object of prompt names to http(s) URLs:`,
      issues,
    ),
    { file, issues },
  );
}

/**
 * Reads and checks a manifest file.
 *
 * @throws {SiphookError} `FLOW_READ` when it cannot be read; `FLOW_INVALID` as {@link parsePromptManifest}.
 */
export async function readPromptManifest(file: string): Promise<PromptManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SiphookError(
      'FLOW_READ',
      `prompt manifest ${file} cannot be read: ${(error as Error).message}`,
      { file },
    );
  }
  return parsePromptManifest(text, file);
}
