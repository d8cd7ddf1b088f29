// Received values echoed in CLI error messages are shortened at the edge (CONVENTIONS.md: "what
// was received, truncated to about 80 characters"), so a 5000-character path or URL cannot flood
// a terminal or a log line. Results on stdout and --json data keep values whole.

/** Longest received value an error message repeats. */
export const MAX_ECHO = 80;

/** Runs of more than MAX_ECHO characters without whitespace: paths, URLs, tokens. */
const LONG_RUN = /\S{81,}/g;

/**
 * Shortens one received value to at most `max` characters, keeping its start and its end (the
 * file name of a path) around an ellipsis.
 * @example clipValue('/tmp/' + 'a'.repeat(200) + '.wav') // '/tmp/aaa…aaa.wav', 80 characters
 */
export function clipValue(value: string, max: number = MAX_ECHO): string {
  if (value.length <= max) return value;
  const tail = Math.floor((max - 1) / 2);
  return `${value.slice(0, max - 1 - tail)}…${value.slice(value.length - tail)}`;
}

/**
 * Shortens an error message for printing: each of `echoed` (values the command knows it passed
 * on, such as the input path, which may contain spaces) and then every other over-long run
 * without whitespace (values a library or commander quoted) is clipped with {@link clipValue}.
 */
export function clipMessage(message: string, echoed: readonly string[] = []): string {
  let text = message;
  for (const value of echoed) {
    if (value.length > MAX_ECHO) text = text.replaceAll(value, clipValue(value));
  }
  return text.replace(LONG_RUN, (run) => clipValue(run));
}
