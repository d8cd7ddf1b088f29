import {
  DialActionSchema,
  describeReceived,
  fromZodIssues,
  GatherActionSchema,
  HangupActionSchema,
  type Issue,
  PlayActionSchema,
  RejectActionSchema,
  type Response,
  ResponseSchema,
  SiphookError,
} from '@siphook/schema';
import {
  attributeStart,
  elementPath,
  type LocatedProblem,
  readXmlTree,
  type XmlElement,
} from './read-xml-tree.js';
import { toXmlPath } from './xml-path.js';
import {
  createLineLocator,
  MAX_LISTED_PROBLEMS,
  type XmlProblem,
  type XmlProblemCode,
} from './xml-problem.js';

/** Limits of {@link decodeResponse} and {@link checkResponse}. */
export interface DecodeOptions {
  /** Largest document accepted, in UTF-8 bytes. Default 65536. */
  maxBytes?: number;
  /** Deepest element nesting accepted; `<Response>` is depth 1. Default 16. */
  maxDepth?: number;
}

/** What {@link checkResponse} found: the validated model, or every problem. */
export type CheckResult =
  | { valid: true; response: Response; problems: [] }
  | { valid: false; problems: XmlProblem[] };

/** Default of {@link DecodeOptions.maxBytes}: 64 KiB. */
export const DEFAULT_MAX_BYTES = 65536;
/** Default of {@link DecodeOptions.maxDepth}. */
export const DEFAULT_MAX_DEPTH = 16;

const ACTIONS = ['Dial', 'Play', 'Gather', 'Reject', 'Hangup'] as const;
/** Model keys that are written as the element's name or as child elements, not as attributes. */
const NOT_ATTRIBUTES: ReadonlySet<string> = new Set(['action', 'actions', 'url', 'play', 'target']);
/** An element's attributes are its schema's keys: the schema is the one statement of them. */
function attributesOf(schema: { shape: Record<string, unknown> }): string[] {
  return Object.keys(schema.shape).filter((key) => !NOT_ATTRIBUTES.has(key));
}
/** What each element may hold: attributes, child elements, and whether it holds text. */
const ELEMENTS: Readonly<
  Record<string, { attributes: readonly string[]; children: readonly string[]; text: boolean }>
> = {
  Response: { attributes: attributesOf(ResponseSchema), children: ACTIONS, text: false },
  Dial: {
    attributes: attributesOf(DialActionSchema),
    children: ['Number', 'Voicemail'],
    text: false,
  },
  Play: { attributes: attributesOf(PlayActionSchema), children: ['Url'], text: false },
  Gather: { attributes: attributesOf(GatherActionSchema), children: ['Play'], text: false },
  Reject: { attributes: attributesOf(RejectActionSchema), children: [], text: false },
  Hangup: { attributes: attributesOf(HangupActionSchema), children: [], text: false },
  Number: { attributes: [], children: [], text: true },
  Voicemail: { attributes: [], children: [], text: false },
  Url: { attributes: [], children: [], text: true },
};
const KNOWN_NAMES = Object.keys(ELEMENTS);
const RESPONSE_ATTRIBUTES = ELEMENTS.Response!.attributes;
const DIGITS = /^[0-9]+$/;
const TARGET_EXPECTED = '1 to 5 <Number> elements or one <Voicemail />';

function listOf(names: readonly string[], wrap: (name: string) => string): string {
  const shown = names.map(wrap);
  return shown.length <= 1
    ? (shown[0] ?? '')
    : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

function caseHint(name: string, candidates: readonly string[], wrap: (name: string) => string) {
  const lower = name.toLowerCase();
  const match = candidates.find((candidate) => candidate.toLowerCase() === lower);
  return match === undefined ? '' : ` (names are case-sensitive: did you mean ${wrap(match)}?)`;
}

const tag = (name: string): string => `<${name}>`;
const plain = (name: string): string => name;

/** Walks the elements into a model candidate, collecting structural problems on the way. */
class ResponseReader {
  readonly problems: LocatedProblem[] = [];
  constructor(private readonly text: string) {}

  private add(code: XmlProblemCode, message: string, offset: number, path: string): void {
    this.problems.push({ code, message, offset, path });
  }

  /** Reports unknown attributes, stray text and children that do not belong; returns the rest. */
  private checkShape(element: XmlElement): XmlElement[] {
    const shape = ELEMENTS[element.name]!;
    for (const name in element.attributes) {
      if (shape.attributes.includes(name)) continue;
      const path = elementPath(element);
      const has =
        shape.attributes.length === 0
          ? 'it has no attributes'
          : `it has ${listOf(shape.attributes, plain)}`;
      // onAnswer and onHangup are the mistake people make most: they belong on the root.
      const where = RESPONSE_ATTRIBUTES.includes(name)
        ? `; ${name} belongs on <Response> (<Response ${name}="…">)`
        : caseHint(name, shape.attributes, plain);
      this.add(
        'XML_UNKNOWN_ATTRIBUTE',
        `${path}/@${name}: <${element.name}> has no attribute ${name}; ${has}${where}`,
        attributeStart(this.text, element, name),
        `${path}/@${name}`,
      );
    }
    if (!shape.text && element.textStart >= 0) {
      const path = elementPath(element);
      const holds =
        shape.children.length === 0
          ? `<${element.name}> is empty`
          : `<${element.name}> holds only elements (${listOf(shape.children, tag)})`;
      this.add(
        'XML_UNEXPECTED_TEXT',
        `${path}: text is not allowed here; ${holds}; received ${describeReceived(element.text.trim())}`,
        element.textStart,
        `${path}/text()`,
      );
    }
    const accepted: XmlElement[] = [];
    for (const child of element.children) {
      if (shape.children.includes(child.name)) {
        accepted.push(child);
        continue;
      }
      const childPath = elementPath(child);
      const holds =
        shape.children.length === 0
          ? shape.text
            ? 'it holds only text'
            : 'it is empty'
          : `it holds ${listOf(shape.children, tag)}`;
      if (KNOWN_NAMES.includes(child.name)) {
        this.add(
          'XML_UNEXPECTED_ELEMENT',
          `${childPath}: <${child.name}> is not allowed inside <${element.name}>; ${holds}`,
          child.start,
          childPath,
        );
      } else {
        this.add(
          'XML_UNKNOWN_ELEMENT',
          `${childPath}: unknown element <${child.name}> inside <${element.name}>; ${holds}${caseHint(child.name, shape.children.length > 0 ? shape.children : KNOWN_NAMES, tag)}`,
          child.start,
          childPath,
        );
      }
    }
    return accepted;
  }

  private duplicate(child: XmlElement, parent: XmlElement, what: string): void {
    const path = elementPath(child);
    this.add(
      'XML_DUPLICATE',
      `${path}: a second <${child.name}> inside <${parent.name}>; ${what}`,
      child.start,
      path,
    );
  }

  /** Text content, trimmed: pretty-printed `<Url>` and `<Number>` may be indented. */
  private textOf(element: XmlElement): string {
    this.checkShape(element);
    return element.text.trim();
  }

  /** A `<Play>`; `children` are passed in when its shape was checked already (top level). */
  private play(
    element: XmlElement,
    children: XmlElement[] = this.checkShape(element),
  ): Record<string, unknown> {
    const play: Record<string, unknown> = { action: 'Play' };
    for (const child of children) {
      if (play.url === undefined) play.url = this.textOf(child);
      else this.duplicate(child, element, 'a Play plays one <Url>');
    }
    return play;
  }

  private action(element: XmlElement): Record<string, unknown> {
    const children = this.checkShape(element);
    const attributes = element.attributes;
    switch (element.name) {
      case 'Play':
        return this.play(element, children);
      case 'Gather': {
        const gather: Record<string, unknown> = { action: 'Gather' };
        if (attributes.type !== undefined) gather.type = attributes.type;
        if (attributes.onData !== undefined) gather.onData = attributes.onData;
        if (attributes.maxDigits !== undefined) gather.maxDigits = toInteger(attributes.maxDigits);
        if (attributes.timeout !== undefined) gather.timeout = toInteger(attributes.timeout);
        for (const child of children) {
          if (gather.play === undefined) gather.play = this.play(child);
          else this.duplicate(child, element, 'a Gather holds at most one <Play>');
        }
        return gather;
      }
      case 'Dial': {
        const dial: Record<string, unknown> = { action: 'Dial' };
        if (attributes.callerId !== undefined) dial.callerId = attributes.callerId;
        const anonymous = attributes.anonymous;
        if (anonymous !== undefined) {
          dial.anonymous = anonymous === 'true' ? true : anonymous === 'false' ? false : anonymous;
        }
        const numbers: string[] = [];
        let voicemail = false;
        for (const child of children) {
          if (child.name === 'Number' && !voicemail) numbers.push(this.textOf(child));
          else if (child.name === 'Voicemail' && numbers.length === 0 && !voicemail) {
            this.checkShape(child);
            voicemail = true;
          } else if (child.name === 'Voicemail' && voicemail) {
            this.duplicate(child, element, 'a Dial reaches the voicemail once');
          } else {
            const path = elementPath(child);
            this.add(
              'XML_UNEXPECTED_ELEMENT',
              `${path}: <${child.name}> cannot be mixed with ${voicemail ? '<Voicemail />' : '<Number>'}; a Dial targets 1 to 5 <Number> elements or one <Voicemail />`,
              child.start,
              path,
            );
          }
        }
        if (numbers.length > 0) dial.target = { numbers };
        else if (voicemail) dial.target = { voicemail: true };
        return dial;
      }
      case 'Reject':
        return attributes.reason === undefined
          ? { action: 'Reject' }
          : { action: 'Reject', reason: attributes.reason };
      default:
        return { action: element.name };
    }
  }

  /** The model candidate for `<Response>`; only the schema decides whether it is valid. */
  response(root: XmlElement): Record<string, unknown> {
    const model: Record<string, unknown> = {};
    const attributes = root.attributes;
    if (attributes.onAnswer !== undefined) model.onAnswer = attributes.onAnswer;
    if (attributes.onHangup !== undefined) model.onHangup = attributes.onHangup;
    model.actions = this.checkShape(root).map((child) => this.action(child));
    return model;
  }
}

/** Integers stay strings unless they are plain digits, so a message can quote them as written. */
function toInteger(value: string): number | string {
  return DIGITS.test(value) ? Number(value) : value;
}

/** Finds the element (and attribute) an XML path names, or the nearest element that exists. */
function locate(
  root: XmlElement,
  xmlPath: string,
): { element: XmlElement; attribute?: string; missing?: string } {
  const steps = xmlPath.split('/').slice(2); // '', 'Response'
  let element = root;
  for (const step of steps) {
    if (step.startsWith('@')) return { element, attribute: step.slice(1) };
    const open = step.indexOf('[');
    const name = step.slice(0, open);
    let nth = Number(step.slice(open + 1, -1));
    const next = element.children.find((child) => child.name === name && --nth === 0);
    if (next === undefined) return { element, missing: name };
    element = next;
  }
  return { element };
}

/** Turns one schema issue about the model candidate into a problem at its place in the XML. */
function toProblem(issue: Issue, model: unknown, root: XmlElement, text: string): LocatedProblem {
  const path = toXmlPath(issue.path, model);
  const { element, attribute, missing } = locate(root, path);
  const where = `${element.name} at ${elementPath(element)}`;
  const isTarget = /(?:^|\.)(?:target|numbers)$/.test(issue.path);
  const expected = isTarget ? TARGET_EXPECTED : issue.expected;
  if (issue.code === 'FIELD_REQUIRED' || (isTarget && issue.received === 'nothing')) {
    const what =
      attribute !== undefined
        ? `attribute ${attribute} is required (${expected})`
        : missing !== undefined
          ? `element <${missing}> is required (${expected})`
          : `a target is required (${expected})`;
    return { code: 'XML_MISSING', message: `${where}: ${what}`, offset: element.start, path };
  }
  let received = issue.received;
  let offset = element.start;
  if (attribute !== undefined && element.attributes[attribute] !== undefined) {
    received = describeReceived(element.attributes[attribute]);
    offset = attributeStart(text, element, attribute);
  } else if (isTarget) {
    const count = element.children.filter((child) => child.name === 'Number').length;
    received = `${count} <Number> elements`;
  } else if (ELEMENTS[element.name]?.text) {
    const text = element.text.trim();
    if (text === '') {
      return {
        code: 'XML_VALUE_INVALID',
        message: `${path}: <${element.name}> is empty; expected ${expected}`,
        offset: element.start,
        path,
      };
    }
    received = describeReceived(text);
    offset = element.textStart >= 0 ? element.textStart : element.start;
  }
  return {
    code: 'XML_VALUE_INVALID',
    message: `${path}: expected ${expected}; received ${received}`,
    offset,
    path,
  };
}

function limitsOf(options: DecodeOptions): { maxBytes: number; maxDepth: number } {
  const { maxBytes = DEFAULT_MAX_BYTES, maxDepth = DEFAULT_MAX_DEPTH } = options;
  for (const [name, value] of [
    ['maxBytes', maxBytes],
    ['maxDepth', maxDepth],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new SiphookError(
        'OPTIONS_INVALID',
        `option ${name}: expected an integer >= 1; received ${describeReceived(value)}`,
        { option: name },
      );
    }
  }
  return { maxBytes, maxDepth };
}

function finish(problems: LocatedProblem[], text: string): XmlProblem[] {
  const locator = createLineLocator(text);
  const sorted = problems
    .map((problem, order) => ({ problem, order }))
    .sort((a, b) => a.problem.offset - b.problem.offset || a.order - b.order)
    .map(({ problem }) => problem);
  const listed = sorted.slice(0, MAX_LISTED_PROBLEMS);
  const rest = sorted.length - listed.length;
  if (rest > 0) {
    const next = sorted[MAX_LISTED_PROBLEMS]!;
    listed.push({
      code: 'XML_TOO_MANY_PROBLEMS',
      message: `${rest} more problem(s) from here on are not listed; fix the first ${MAX_LISTED_PROBLEMS} and check again`,
      offset: next.offset,
      path: next.path,
    });
  }
  return listed.map(({ code, message, offset, path }) => ({
    code,
    message,
    ...locator(offset),
    path,
  }));
}

/**
 * Reads a sipgate.io XML response and checks it against the response model, collecting every
 * problem with its line:column and element path instead of stopping at the first.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for a bad limit; never for bad input.
 * @example
 * checkResponse('<Response><Say>Hi</Say></Response>').problems[0]
 * // { code: 'XML_UNKNOWN_ELEMENT', line: 1, column: 11, path: '/Response/Say[1]', message: … }
 */
export function checkResponse(xml: string | Uint8Array, options: DecodeOptions = {}): CheckResult {
  const read = readXmlTree(xml, limitsOf(options));
  if (!read.ok) return { valid: false, problems: finish(read.problems, read.text) };
  const { root, text } = read;
  const problems = read.problems;
  if (root.name !== 'Response') {
    const hint = root.name.toLowerCase() === 'response' ? ' (names are case-sensitive)' : '';
    problems.push({
      code: 'XML_ROOT',
      message: `root element is <${root.name}>; expected <Response>${hint}`,
      offset: root.start,
      path: `/${root.name}`,
    });
    return { valid: false, problems: finish(problems, text) };
  }
  const reader = new ResponseReader(text);
  const model = reader.response(root);
  problems.push(...reader.problems);
  const result = ResponseSchema.safeParse(model);
  if (result.success && problems.length === 0) {
    return { valid: true, response: result.data, problems: [] };
  }
  if (!result.success) {
    for (const issue of fromZodIssues(result.error.issues, model)) {
      problems.push(toProblem(issue, model, root, text));
    }
  }
  return { valid: false, problems: finish(problems, text) };
}

/**
 * Reads a sipgate.io XML response into the validated response model. Accepts a BOM, comments,
 * CDATA, either quote style and a missing XML declaration; refuses DTDs, oversized and too deeply
 * nested documents, and anything the response model does not allow.
 *
 * @throws {SiphookError} `XML_INVALID`, with `details.problems` ({@link XmlProblem}[]).
 * @example
 * decodeResponse('<Response><Reject reason="busy"/></Response>')
 * // { actions: [{ action: 'Reject', reason: 'busy' }] }
 */
export function decodeResponse(xml: string | Uint8Array, options: DecodeOptions = {}): Response {
  const result = checkResponse(xml, options);
  if (result.valid) return result.response;
  const lines = result.problems
    .slice(0, 5)
    .map((problem) => `  - ${problem.line}:${problem.column} ${problem.message}`);
  if (result.problems.length > 5) lines.push(`  - and ${result.problems.length - 5} more`);
  throw new SiphookError('XML_INVALID', ['XML response is invalid:', ...lines].join('\n'), {
    problems: result.problems,
  });
}
