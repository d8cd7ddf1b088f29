/** What a piece of XML is, for highlighting. */
export type XmlTokenKind = 'punctuation' | 'tag' | 'attribute' | 'value' | 'text' | 'comment';

/** One highlighted piece of a line. */
export interface XmlToken {
  kind: XmlTokenKind;
  text: string;
}

/** One line of pretty-printed XML: how deep it sits, and its pieces. */
export interface XmlLine {
  depth: number;
  tokens: XmlToken[];
}

const PIECE = /<!--[\s\S]*?-->|<[^>]*>|[^<]+/g;
const ATTRIBUTE = /([^\s=/]+)(\s*=\s*)("[^"]*"|'[^']*')/g;

/**
 * Pretty-prints XML one element per line (an element holding only text stays on one line) and
 * splits each line into tokens to colour. It only re-lays out the text: nothing is parsed into
 * markup, and every token is rendered as text, so the page never injects what it shows.
 *
 * @example
 * formatXml('<Response><Hangup/></Response>').length // 3
 */
export function formatXml(xml: string): XmlLine[] {
  const pieces = xml.match(PIECE) ?? [];
  const lines: XmlLine[] = [];
  let depth = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.startsWith('<!--')) {
      lines.push({ depth, tokens: [{ kind: 'comment', text: piece }] });
    } else if (piece.startsWith('</')) {
      depth = Math.max(0, depth - 1);
      lines.push({ depth, tokens: tagTokens(piece) });
    } else if (piece.startsWith('<')) {
      const selfClosing = piece.endsWith('/>') || piece.startsWith('<?') || piece.startsWith('<!');
      const text = pieces[i + 1];
      const close = pieces[i + 2];
      // <Url>http://…</Url> and <Number>49…</Number> read best on one line.
      if (!selfClosing && text !== undefined && !text.startsWith('<') && close?.startsWith('</')) {
        lines.push({
          depth,
          tokens: [...tagTokens(piece), { kind: 'text', text: text.trim() }, ...tagTokens(close)],
        });
        i += 2;
        continue;
      }
      lines.push({ depth, tokens: tagTokens(piece) });
      if (!selfClosing) depth += 1;
    } else if (piece.trim() !== '') {
      lines.push({ depth, tokens: [{ kind: 'text', text: piece.trim() }] });
    }
  }
  return lines;
}

function tagTokens(tag: string): XmlToken[] {
  const open = /^<[/?!]?/.exec(tag)![0];
  const close = /[/?]?>$/.exec(tag)?.[0] ?? '';
  const inner = tag.slice(open.length, tag.length - close.length);
  const name = /^[^\s/>]*/.exec(inner)![0];
  const tokens: XmlToken[] = [
    { kind: 'punctuation', text: open },
    { kind: 'tag', text: name },
  ];
  let rest = inner.slice(name.length);
  let match: RegExpExecArray | null;
  let last = 0;
  ATTRIBUTE.lastIndex = 0;
  // biome-ignore lint/suspicious/noAssignInExpressions: the usual exec loop.
  while ((match = ATTRIBUTE.exec(rest)) !== null) {
    if (match.index > last) tokens.push({ kind: 'text', text: rest.slice(last, match.index) });
    tokens.push(
      { kind: 'attribute', text: match[1]! },
      { kind: 'punctuation', text: match[2]! },
      { kind: 'value', text: match[3]! },
    );
    last = match.index + match[0].length;
  }
  rest = rest.slice(last);
  if (rest !== '') tokens.push({ kind: 'text', text: rest });
  tokens.push({ kind: 'punctuation', text: close });
  return tokens;
}
