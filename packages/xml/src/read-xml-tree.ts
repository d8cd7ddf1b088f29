import { describeReceived } from '@siphook/schema';
import { SaxesParser, type XMLDecl } from 'saxes';
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
  /** 1-based position among the parent's children of the same name (the `[n]` of its path). */
  nth: number;
  /** Children seen so far per name, to number the next one without rescanning its siblings. */
  childCounts: Map<string, number> | undefined;
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
const BOM = 0xfeff;
/**
 * The encodings a response may declare: UTF-8, what sipgate.io answers in, and the two that a
 * real PHP project's responses declare (expat, which sipgate.io's XML stack builds on, reads all
 * three). The names as expat knows them, in any case.
 */
const ENCODINGS = { 'utf-8': 'utf-8', utf8: 'utf-8', 'iso-8859-1': 'latin1', 'us-ascii': 'ascii' };
type Encoding = (typeof ENCODINGS)[keyof typeof ENCODINGS];
const ENCODINGS_ACCEPTED = 'accepted are UTF-8, ISO-8859-1 and US-ASCII';
/** The encoding an XML declaration names, read from its ASCII bytes (XML 1.0 appendix F). */
const DECLARED_ENCODING =
  /^<\?xml[ \t\r\n][^>]*?encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][\w.-]*)\1/;
const SAXES_POSITION = /^\d+:\d+: /;
const START_TAG = /<[A-Za-z_:]/;
/** An `&` that does not start an entity or character reference. */
const BARE_AMPERSAND = /&(?![A-Za-z_:][\w.:-]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)/;
const NOT_WHITESPACE = /[^ \t\r\n]/;

/** Thrown from a parser callback to stop at the first fatal problem. */
class StopReading {
  constructor(readonly problems: LocatedProblem[]) {}
}

/** XPath-style path of an element: `/Response/Gather[1]/Play[1]`. */
export function elementPath(element: XmlElement): string {
  const parent = element.parent;
  if (parent === undefined) return `/${element.name}`;
  return `${elementPath(parent)}/${element.name}[${element.nth}]`;
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

/** A problem found before parsing; `text` is what its offset counts in, when there is one. */
type Unreadable = { problem: LocatedProblem; text?: string };

function problemAt(code: XmlProblemCode, message: string, offset = 0, text?: string): Unreadable {
  return { problem: { code, message, offset, path: '/' }, ...(text === undefined ? {} : { text }) };
}

/** The encoding a name stands for, or `undefined` for a name not accepted. */
function encodingNamed(name: string): Encoding | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(ENCODINGS, key) ? ENCODINGS[key as keyof typeof ENCODINGS] : undefined;
}

/** Bytes as ISO-8859-1 (each byte is the code point), in chunks small enough for apply. */
function decodeLatin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return text;
}

/** Decodes bytes by the encoding their XML declaration names: UTF-8 unless it says otherwise. */
function decodeBytes(bytes: Uint8Array): { text: string } | Unreadable {
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const head = decodeLatin1(bytes.subarray(hasBom ? 3 : 0, 200));
  const name = DECLARED_ENCODING.exec(head)?.[2];
  const encoding = name === undefined ? 'utf-8' : encodingNamed(name);
  const offset = name === undefined ? 0 : head.indexOf('encoding');
  if (encoding === 'latin1' || encoding === 'ascii') {
    if (hasBom) {
      return problemAt(
        'XML_ENCODING',
        `document starts with a UTF-8 byte order mark, but its XML declaration names encoding "${name}"`,
        offset,
        head,
      );
    }
    const high = encoding === 'ascii' ? bytes.findIndex((byte) => byte > 0x7f) : -1;
    if (high >= 0) {
      const hex = bytes[high]!.toString(16).toUpperCase();
      return problemAt(
        'XML_MALFORMED',
        `byte 0x${hex} at offset ${high} is not US-ASCII, the encoding the XML declaration names`,
        high,
        decodeLatin1(bytes),
      );
    }
    return { text: decodeLatin1(bytes) };
  }
  try {
    return { text: UTF8.decode(bytes) }; // drops one UTF-8 byte order mark
  } catch {
    if (encoding === undefined) {
      return problemAt(
        'XML_ENCODING',
        `XML declaration names encoding "${name}"; ${ENCODINGS_ACCEPTED} (sipgate.io responses are UTF-8)`,
        offset,
        head,
      );
    }
    return problemAt(
      'XML_MALFORMED',
      'document is not valid UTF-8; sipgate.io responses are UTF-8',
    );
  }
}

function toText(xml: string | Uint8Array, limits: ReadLimits): { text: string } | Unreadable {
  const tooLarge = (size: string) =>
    problemAt(
      'XML_TOO_LARGE',
      `document is ${size} bytes; the limit is ${limits.maxBytes} bytes (option maxBytes)`,
    );
  let decoded: { text: string } | Unreadable;
  if (typeof xml === 'string') {
    const text = xml.charCodeAt(0) === BOM ? xml.slice(1) : xml;
    if (byteLength(text, limits.maxBytes) > limits.maxBytes) {
      return tooLarge(String(Buffer.byteLength(text, 'utf8')));
    }
    decoded = { text };
  } else if (xml instanceof Uint8Array) {
    if (xml.byteLength > limits.maxBytes) return tooLarge(String(xml.byteLength));
    decoded = decodeBytes(xml);
  } else {
    return problemAt(
      'XML_MALFORMED',
      `expected the document as a string or bytes; received ${describeReceived(xml)}`,
    );
  }
  // One byte order mark was taken off above; a parser would skip a second one too, expat does not.
  if (!('problem' in decoded) && decoded.text.charCodeAt(0) === BOM) {
    return problemAt(
      'XML_MALFORMED',
      'XML is not well-formed: a second byte order mark (U+FEFF) at the start; a document has at most one',
    );
  }
  return decoded;
}

/**
 * saxes with its event handlers on the prototype. `parser.on()` stores each handler as an own
 * property; eleven of them turn the parser into a dictionary-mode object, which made parsing five
 * times slower (bench/xml.bench.mjs). The property names are saxes 6's own (`on()` maps events to
 * them; some are called without `this`, hence the module-level `active` reader); saxes is pinned,
 * and every test would fail if they changed.
 */
class TreeParser extends SaxesParser {
  constructor() {
    // Offsets (`position`) are always kept; saxes's own line:column counting is not needed.
    super({ position: false });
  }
}
/** The reader whose document is being parsed (reading is synchronous: one at a time). */
let active: TreeReader | undefined;
type Handler = (...args: never[]) => void;
const HANDLERS: Record<string, Handler> = {
  xmldeclHandler(decl: XMLDecl) {
    active!.onXmlDecl(decl);
  },
  doctypeHandler() {
    active!.onDoctype();
  },
  piHandler() {
    active!.onMarkup();
  },
  commentHandler() {
    active!.onMarkup();
  },
  openTagStartHandler(tag: { name: string; attributes: Record<string, string> }) {
    active!.onOpenTagStart(tag.name, tag.attributes);
  },
  attributeHandler(attribute: { name: string }) {
    active!.onAttribute(attribute.name);
  },
  openTagHandler(tag: { attributes: Record<string, string> }) {
    active!.onOpenTag(tag.attributes);
  },
  closeTagHandler() {
    active!.onCloseTag();
  },
  textHandler(data: string) {
    active!.onText(data);
  },
  cdataHandler(data: string) {
    active!.onCdata(data);
  },
  errorHandler(error: Error) {
    active!.onError(error);
  },
};
Object.assign(TreeParser.prototype, HANDLERS);

/**
 * Collects elements from saxes events. One instance and one parser are reused for every document:
 * saxes resets itself after a document ends, and a parser created (and given its handlers) per
 * call costs several times the parse itself. Reading is synchronous, so one document at a time.
 */
class TreeReader {
  private readonly parser: TreeParser = new TreeParser();
  private text = '';
  private limits: ReadLimits = { maxBytes: 0, maxDepth: 0 };
  private problems: LocatedProblem[] = [];
  private root: XmlElement | undefined;
  private current: XmlElement | undefined;
  private depth = 0;
  private markupEnd = 0;

  onXmlDecl(decl: XMLDecl): void {
    this.markupEnd = this.parser.position;
    if (decl.encoding !== undefined && encodingNamed(decl.encoding) === undefined) {
      this.problems.push({
        code: 'XML_ENCODING',
        message: `XML declaration names encoding "${decl.encoding}"; ${ENCODINGS_ACCEPTED} (sipgate.io responses are UTF-8)`,
        offset: this.text.indexOf('encoding'),
        path: '/',
      });
    }
  }

  onDoctype(): void {
    this.stop('XML_DOCTYPE', 'DOCTYPE declarations are refused', 0);
  }

  /** A comment or processing instruction: skipped, but text after it starts here. */
  onMarkup(): void {
    this.markupEnd = this.parser.position;
  }

  onAttribute(name: string): void {
    const current = this.current;
    if (current === undefined) return;
    if (current.attributeEnds === undefined) current.attributeEnds = {};
    current.attributeEnds[name] = this.parser.position;
  }

  onOpenTag(attributes: Record<string, string>): void {
    this.markupEnd = this.parser.position;
    const current = this.current;
    if (current === undefined) return;
    current.attributes = attributes;
    current.contentStart = this.markupEnd;
  }

  onCloseTag(): void {
    this.markupEnd = this.parser.position;
    this.current = this.current?.parent;
    this.depth--;
  }

  onText(data: string): void {
    this.addText(data, this.markupEnd, false);
  }

  onCdata(data: string): void {
    const end = this.parser.position;
    this.addText(data, this.text.lastIndexOf('<![CDATA[', end) + 9, true);
    this.markupEnd = end;
  }

  onError(error: Error): void {
    this.fail(error.message.replace(SAXES_POSITION, ''));
  }

  private stop(code: XmlProblemCode, message: string, offset: number): never {
    const current = this.current;
    this.problems.push({ code, message, offset, path: current ? elementPath(current) : '/' });
    throw new StopReading(this.problems);
  }

  private fail(message: string): never {
    const text = this.text;
    let offset = Math.max(0, this.parser.position - 1);
    if (message.startsWith('document must contain a root element') && !START_TAG.test(text)) {
      this.stop(
        'XML_ROOT',
        'document has no root element; expected <Response>',
        this.parser.position,
      );
    }
    if (message.startsWith('text data outside of root node')) {
      offset = this.markupEnd + Math.max(0, text.slice(this.markupEnd).search(NOT_WHITESPACE));
    }
    // saxes reads a raw `&` as the start of an entity and complains much later; name the `&`,
    // the most common mistake in hand-made responses (URLs with query strings).
    const ampersand = BARE_AMPERSAND.exec(text);
    if (ampersand !== null && ampersand.index <= offset) {
      this.stop(
        'XML_MALFORMED',
        'XML is not well-formed: a raw "&" must be written as &amp;',
        ampersand.index,
      );
    }
    return this.stop('XML_MALFORMED', `XML is not well-formed: ${message}`, offset);
  }

  onOpenTagStart(name: string, attributes: Record<string, string>): void {
    const start = this.text.lastIndexOf('<', this.parser.position - 1);
    if (this.current === undefined && this.root !== undefined) {
      this.stop(
        'XML_ROOT',
        `found a second root element <${name}>; a response has one root, <Response>`,
        start,
      );
    }
    this.depth++;
    if (this.depth > this.limits.maxDepth) {
      this.stop(
        'XML_TOO_DEEP',
        `<${name}> is nested ${this.depth} deep; the limit is ${this.limits.maxDepth} (option maxDepth)`,
        start,
      );
    }
    const element: XmlElement = {
      name,
      start,
      contentStart: start,
      attributes,
      attributeEnds: undefined,
      children: [],
      text: '',
      textStart: -1,
      parent: this.current,
      nth: 1,
      childCounts: undefined,
    };
    if (this.current === undefined) this.root = element;
    else {
      this.current.childCounts ??= new Map();
      const counts = this.current.childCounts;
      element.nth = (counts.get(name) ?? 0) + 1;
      counts.set(name, element.nth);
      this.current.children.push(element);
    }
    this.current = element;
  }

  private addText(data: string, rawStart: number, raw: boolean): void {
    const current = this.current;
    if (current === undefined) return; // outside the root: saxes reports anything but whitespace
    current.text += data;
    if (current.textStart >= 0) return;
    const first = data.search(NOT_WHITESPACE);
    if (first < 0) return;
    // In plain text, entity references shift offsets, so find the first non-space in the source.
    if (raw) current.textStart = rawStart + first;
    else {
      const text = this.text;
      let i = rawStart;
      while (i < text.length && !NOT_WHITESPACE.test(text[i]!)) i++;
      current.textStart = i;
    }
  }

  /** Parses one document; throws {@link StopReading} (the parser is then unusable) at a fatal problem. */
  read(text: string, limits: ReadLimits): ReadResult {
    this.text = text;
    this.limits = limits;
    this.problems = [];
    this.root = undefined;
    this.current = undefined;
    this.depth = 0;
    this.markupEnd = 0;
    active = this;
    try {
      this.parser.write(text).close();
      const { root, problems } = this;
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
    } finally {
      // Let go of the document, so that a large one is not kept alive until the next call.
      active = undefined;
      this.text = '';
      this.root = undefined;
      this.current = undefined;
    }
  }
}

let reader: TreeReader | undefined;

/**
 * Reads an XML document into elements with saxes, refusing DTDs before parsing and stopping at
 * the first well-formedness error, at `maxDepth` and at `maxBytes`. Comments and processing
 * instructions are skipped; text and CDATA are kept per element.
 */
export function readXmlTree(xml: string | Uint8Array, limits: ReadLimits): ReadResult {
  const decoded = toText(xml, limits);
  if ('problem' in decoded) {
    return { ok: false, text: decoded.text ?? '', problems: [decoded.problem] };
  }
  const { text } = decoded;
  const declaration = DECLARATION.exec(text);
  if (declaration !== null) {
    const problem: LocatedProblem = {
      code: 'XML_DOCTYPE',
      message: `found "${declaration[0]}": DOCTYPE and entity declarations are refused (they allow entity expansion and external entities)`,
      offset: declaration.index,
      path: '/',
    };
    return { ok: false, text, problems: [problem] };
  }
  const current = reader ?? new TreeReader();
  reader = undefined; // a reader that throws part-way is dropped, never reused
  try {
    const result = current.read(text, limits);
    reader = current;
    return result;
  } catch (error) {
    if (error instanceof StopReading) return { ok: false, text, problems: error.problems };
    throw error;
  }
}
