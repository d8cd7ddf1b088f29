// The command template that runs test/fixtures/fake-engine.mjs with this Node, in a given mode.
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./fixtures/fake-engine.mjs', import.meta.url));

/** `node fake-engine.mjs <mode> {out} <side>`; with `toStdout` the audio goes to stdout instead. */
export function fakeEngineCommand(mode: string, side: string, toStdout = false): string {
  const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
  return [process.execPath, SCRIPT, mode, toStdout ? '-' : '{out}', side].map(quote).join(' ');
}
