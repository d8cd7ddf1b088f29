import { readThroughOnce } from './read-through.js';

/**
 * Fetch `Headers` over a flat `[name, value, name, value, …]` list (node:http's `rawHeaders`, or
 * an answer's own few headers), made cheaply: `get`, `has` and `forEach` read the list, and a real
 * `Headers` is built only for anything else. `get` joins repeated headers with `, ` as
 * `Headers.get` does.
 */
export function createNodeHeaders(list: readonly string[]): Headers {
  setUpNodeHeaders();
  return new NodeHeaders(list, false) as unknown as Headers;
}

/**
 * Headers from a record of lower-case names, each once (an answer's own headers): then `forEach`
 * can walk the list in `Headers`' own order (sorted by name) without building anything.
 */
export function createNodeHeadersOf(record: Readonly<Record<string, string>>): Headers {
  let list = listsOf.get(record);
  if (list === undefined) {
    list = [];
    for (const name of Object.keys(record).sort()) list.push(name, record[name]!);
    // The core answers with a few frozen records: their lists are made once.
    if (Object.isFrozen(record)) listsOf.set(record, list);
  }
  setUpNodeHeaders();
  return new NodeHeaders(list, true) as unknown as Headers;
}

const listsOf = new WeakMap<object, string[]>();

/**
 * The flat `[name, value, …]` list behind headers made here, as received (names in any case,
 * repeated names repeated); undefined for other headers, or once they were changed through the
 * real `Headers`. Reading it costs nothing, unlike iterating `Headers` (which builds, sorts and
 * joins).
 */
export function headerListOf(headers: Headers): readonly string[] | undefined {
  return headers instanceof NodeHeaders ? headers.list() : undefined;
}

/** The real `Headers` behind headers made here (undici reads its own internals), or `headers` itself. */
export function realHeadersOf(headers: Headers): Headers {
  return headers instanceof NodeHeaders ? headers.realHeaders() : headers;
}

class NodeHeaders {
  readonly #list: readonly string[];
  /** Lower-case names, sorted, each once: what `Headers` itself would iterate. */
  readonly #canonical: boolean;
  #real: Headers | undefined;

  constructor(list: readonly string[], canonical: boolean) {
    this.#list = list;
    this.#canonical = canonical;
  }

  get(name: string): string | null {
    if (this.#real !== undefined) return this.#real.get(name);
    const wanted = name.toLowerCase();
    let value: string | null = null;
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) {
      const key = list[i]!;
      if (key.length === wanted.length && key.toLowerCase() === wanted) {
        value = value === null ? list[i + 1]! : `${value}, ${list[i + 1]!}`;
      }
    }
    return value;
  }

  /** The list as received, while no real Headers (which may have been changed) stands in for it. */
  list(): readonly string[] | undefined {
    return this.#real === undefined ? this.#list : undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  forEach(
    callback: (value: string, name: string, parent: Headers) => void,
    thisArg?: unknown,
  ): void {
    if (this.#real !== undefined || !this.#canonical) {
      this.realHeaders().forEach(callback, thisArg);
      return;
    }
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) {
      callback.call(thisArg, list[i + 1]!, list[i]!, this as unknown as Headers);
    }
  }

  /** The real Headers, for anything the fast members above do not serve. */
  realHeaders(): Headers {
    if (this.#real === undefined) {
      const headers = new Headers();
      const list = this.#list;
      for (let i = 0; i < list.length; i += 2) headers.append(list[i]!, list[i + 1]!);
      this.#real = headers;
    }
    return this.#real;
  }
}

// Every other Headers member reads through to a real Headers, made on first use.
const setUpNodeHeaders = readThroughOnce(
  NodeHeaders.prototype,
  () => Headers.prototype,
  (self: NodeHeaders) => self.realHeaders(),
);
