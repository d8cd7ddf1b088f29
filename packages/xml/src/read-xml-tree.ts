import { describeReceived } from '@siphook/schema';
import { SaxesParser } from 'saxes';
import type { XmlProblemCode } from './xml-problem.js';

/** One element as read from the document, with string offsets for locating problems later. */
export interface XmlElement {
  name: string;
  /** Offset of the `<` that opens the element. */
  start: number;
  /** Offset just after the start tag's `>`. */
  contentStart: number;
  attributes: Record<string, string>;
  /** Offset just after each attribute's closing quote; absent when there are no attributes. */
  attributeEnds: Record<string, number> | undefined;
  children: XmlElement[];
  /** All character data (text and CDATA) directly inside, entity references resolved. */
  text: string;
  /** Offset of the first non-whitespace character of `text`, or -1 when it is all whitespace. */
  textStart: number;
  parent: XmlElement | undefined;
}

/** A problem with its string offset; turned into line:column once, at the end. */
export interface LocatedProblem {
  code: XmlProblemCode;
  message: string;
  offset: number;
  path: string;
}

/** The document as elements, or the one problem that stopped reading it. */
export type ReadResult =
  | { ok: true; text: string; root: XmlElement; problems: LocatedProblem[] }
  | { ok: false; text: string; problems: LocatedProblem[] };

/** Limits for {@link readXmlTree}. */
export interface ReadLimits {
  maxBytes: number;
  maxDepth: number;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Checked on the raw text, so that no parser ever sees a DTD to expand. */
const DECLARATION = /<!(?:DOCTYPE|ENTITY)/i;
const UTF8_NAME = /^utf-?8$/i;
const SAXES_POSITION = /^\d+:\d+: /;
const START_TAG = /<[A-Za-z_:]/;
/** An `&` that does not start an entity or character reference. */
const BARE_AMPERSAND = /&(?![A-Za-z_:][\w.:-]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)/;
const NOT_WHITESPACE = /[^ \t\r\n]/;

/** Thrown from a parser callback to stop at the first fatal problem. */
const STOP: unique symbol = Symbol('stop');

/** XPath-style path of an element: `/Response/Gather[1]/Play[1]`. */
export function elementPath(element: XmlElement): string {
  const parent = element.parent;
  if (parent === undefined) return `/${element.name}`;
  let nth = 0;
  for (const sibling of parent.children) {
    if (sibling.name === element.name) nth++;
    if (sibling === element) break;
  }
  return `${elementPath(parent)}/${element.name}[${nth}]`;
}

/** Offset of an attribute's name, found back from the end of its value. */
export function attributeStart(text: string, element: XmlElement, name: string): number {
  const end = element.attributeEnds?.[name];
  if (end === undefined) return element.start;
  const quote = text[end - 1]!;
  let i = text.lastIndexOf(quote, end - 2) - 1; // the opening quote; values cannot hold it raw
  while (i > element.start && /[\s=]/.test(text[i]!)) i--;
  return i - name.length + 1;
}

function byteLength(text: string, limit: number): number {
  // Every UTF-16 code unit is 1 to 3 UTF-8 bytes: most documents are decided without counting.
  if (text.length > limit || text.length * 3 <= limit) return text.length;
  return Buffer.byteLength(text, 'utf8');
}

function toText(
  xml: string | Uint8Array,
  limits: ReadLimits,
): { text: string } | { problem: LocatedProblem } {
  const tooLarge = (size: string): { problem: LocatedProblem } => ({
    problem: {
      code: 'XML_TOO_LARGE',
      message: `document is ${size} bytes; the limit is ${limits.maxBytes} bytes (option maxBytes)`,
      offset: 0,
      path: '/',
    },
  });
  if (typeof xml === 'string') {
    const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
    if (byteLength(text, limits.maxBytes) > limits.maxBytes) {
      return tooLarge(String(Buffer.byteLength(text, 'utf8')));
    }
    return { text };
  }
  if (!(xml instanceof Uint8Array)) {
    return {
      problem: {
        code: 'XML_MALFORMED',
        message: `expected the document as a string or bytes; received ${describeReceived(xml)}`,
        offset: 0,
        path: '/',
      },
    };
  }
  if (xml.byteLength > limits.maxBytes) return tooLarge(String(xml.byteLength));
  try {
    return { text: UTF8.decode(xml) }; // drops a UTF-8 byte order mark
  } catch {
    return {
      problem: {
        code: 'XML_MALFORMED',
        message: 'document is not valid UTF-8; sipgate.io responses are UTF-8',
        offset: 0,
        path: '/',
      },
    };
  }
}

/**
 * Reads an XML document into elements with saxes, refusing DTDs before parsing and stopping at
 * the first well-formedness error, at `maxDepth` and at `maxBytes`. Comments and processing
 * instructions are skipped; text and CDATA are kept per element.
 */
export function readXmlTree(xml: string | Uint8Array, limits: ReadLimits): ReadResult {
  const decoded = toText(xml, limits);
  if ('problem' in decoded) return { ok: false, text: '', problems: [decoded.problem] };
  const { text } = decoded;
  const problems: LocatedProblem[] = [];
  const declaration = DECLARATION.exec(text);
  if (declaration !== null) {
    problems.push({
      code: 'XML_DOCTYPE',
      message: `found "${declaration[0]}": DOCTYPE and entity declarations are refused (they allow entity expansion and external entities)`,
      offset: declaration.index,
      path: '/',
    });
    return { ok: false, text, problems };
  }

  const parser = new SaxesParser({ position: true });
  let root: XmlElement | undefined;
  let current: XmlElement | undefined;
  let depth = 0;
  let markupEnd = 0;
  const stop = (code: XmlProblemCode, message: string, offset: number): never => {
    problems.push({ code, message, offset, path: current ? elementPath(current) : '/' });
    throw STOP;
  };
  const addText = (data: string, rawStart: number, raw: boolean): void => {
    if (current === undefined) return; // outside the root: saxes reports anything but whitespace
    current.text += data;
    if (current.textStart >= 0) return;
    const first = data.search(NOT_WHITESPACE);
    if (first < 0) return;
    // In plain text, entity references shift offsets, so find the first non-space in the source.
    if (raw) current.textStart = rawStart + first;
    else {
      let i = rawStart;
      while (i < text.length && !NOT_WHITESPACE.test(text[i]!)) i++;
      current.textStart = i;
    }
  };

  parser.on('xmldecl', (decl) => {
    markupEnd = parser.position;
    if (decl.encoding !== undefined && !UTF8_NAME.test(decl.encoding)) {
      problems.push({
        code: 'XML_ENCODING',
        message: `XML declaration names encoding "${decl.encoding}"; sipgate.io responses are UTF-8`,
        offset: text.indexOf('encoding'),
        path: '/',
      });
    }
  });
  parser.on('doctype', () => stop('XML_DOCTYPE', 'DOCTYPE declarations are refused', 0));
  parser.on('processinginstruction', () => {
    markupEnd = parser.position;
  });
  parser.on('comment', () => {
    markupEnd = parser.position;
  });
  parser.on('opentagstart', (tag) => {
    const start = text.lastIndexOf('<', parser.position - 1);
    if (current === undefined && root !== undefined) {
      stop(
        'XML_ROOT',
        `found a second root element <${tag.name}>; a response has one root, <Response>`,
        start,
      );
    }
    depth++;
    if (depth > limits.maxDepth) {
      stop(
        'XML_TOO_DEEP',
        `<${tag.name}> is nested ${depth} deep; the limit is ${limits.maxDepth} (option maxDepth)`,
        start,
      );
    }
    const element: XmlElement = {
      name: tag.name,
      start,
      contentStart: start,
      attributes: tag.attributes as Record<string, string>,
      attributeEnds: undefined,
      children: [],
      text: '',
      textStart: -1,
      parent: current,
    };
    if (current === undefined) root = element;
    else current.children.push(element);
    current = element;
  });
  parser.on('attribute', (attribute) => {
    if (current === undefined) return;
    if (current.attributeEnds === undefined) current.attributeEnds = {};
    current.attributeEnds[attribute.name] = parser.position;
  });
  parser.on('opentag', (tag) => {
    markupEnd = parser.position;
    if (current === undefined) return;
    current.attributes = tag.attributes as Record<string, string>;
    current.contentStart = markupEnd;
  });
  parser.on('closetag', () => {
    markupEnd = parser.position;
    current = current?.parent;
    depth--;
  });
  parser.on('text', (data) => addText(data, markupEnd, false));
  parser.on('cdata', (data) => {
    const end = parser.position;
    addText(data, text.lastIndexOf('<![CDATA[', end) + 9, true);
    markupEnd = end;
  });
  parser.on('error', (error) => {
    const message = error.message.replace(SAXES_POSITION, '');
    let offset = Math.max(0, parser.position - 1);
    if (message.startsWith('document must contain a root element') && !START_TAG.test(text)) {
      stop('XML_ROOT', 'document has no root element; expected <Response>', parser.position);
    }
    if (message.startsWith('text data outside of root node')) {
      offset = markupEnd + Math.max(0, text.slice(markupEnd).search(NOT_WHITESPACE));
    }
    // saxes reads a raw `&` as the start of an entity and complains much later; name the `&`,
    // the most common mistake in hand-made responses (URLs with query strings).
    const ampersand = BARE_AMPERSAND.exec(text);
    if (ampersand !== null && ampersand.index <= offset) {
      stop(
        'XML_MALFORMED',
        `XML is not well-formed: a raw "&" must be written as &amp; (the parser then found: ${message})`,
        ampersand.index,
      );
    }
    stop('XML_MALFORMED', `XML is not well-formed: ${message}`, offset);
  });

  try {
    parser.write(text).close();
  } catch (error) {
    if (error === STOP) return { ok: false, text, problems };
    throw error;
  }
  if (root === undefined) {
    problems.push({
      code: 'XML_ROOT',
      message: 'document has no root element',
      offset: 0,
      path: '/',
    });
    return { ok: false, text, problems };
  }
  return { ok: true, text, root, problems };
}
