import { SaxesParser } from 'saxes';

/** At most this many Play URLs are taken from one answer. */
export const MAX_PLAY_URLS = 100;
/**
 * A `&` that starts no entity or character reference: the most common fault in hand-written
 * answers (`?a=1&b=2`). saxes would read the rest of the document as the name of an entity.
 * CDATA sections are matched first and kept as they are.
 */
const RAW_AMPERSAND =
  /(<!\[CDATA\[[\s\S]*?(?:\]\]>|$))|&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);)/g;

/**
 * Every Play URL an answer names, in document order and each once: the text of each `<Url>`
 * directly inside a `<Play>` (top-level or in a `<Gather>`). Meant for answers that are not a
 * valid `<Response>`, so that their prompts can still be checked: the parser (saxes, which never
 * expands external entities) carries on past every error, a raw `&` is read as the author meant
 * it, and whatever could be read counts.
 *
 * @example
 * playUrlsOf('<Response><Play><Url>https://x/a.wav</Url></Play><Bogus/></Response>')
 * // ['https://x/a.wav']
 */
export function playUrlsOf(body: string | Uint8Array): string[] {
  const text = (typeof body === 'string' ? body : new TextDecoder().decode(body)).replace(
    RAW_AMPERSAND,
    (_match, cdata: string | undefined) => cdata ?? '&amp;',
  );
  const parser = new SaxesParser({ position: false });
  const stack: string[] = [];
  const urls = new Set<string>();
  let current: string | undefined;
  parser.on('error', () => {});
  parser.on('opentag', (tag) => {
    if (tag.name === 'Url' && stack.at(-1) === 'Play') current = '';
    stack.push(tag.name);
  });
  parser.on('text', (chunk) => {
    if (current !== undefined) current += chunk;
  });
  parser.on('cdata', (chunk) => {
    if (current !== undefined) current += chunk;
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    if (tag.name !== 'Url' || current === undefined) return;
    const url = current.trim();
    current = undefined;
    if (url !== '' && urls.size < MAX_PLAY_URLS) urls.add(url);
  });
  try {
    parser.write(text).close();
  } catch {
    // saxes reports through the handler above; anything else ends the reading where it is.
  }
  return [...urls];
}
