import { createNodeHeadersOf, realHeadersOf } from './node-headers.js';
import { readThroughOnce } from './read-through.js';

const encoder = new TextEncoder();

/**
 * A fetch `Response` with a text body, made cheaply on Node: `status`, `ok`, `headers`, `text()`
 * and `arrayBuffer()` are served from the text itself, and undici's `Response` (which builds a web
 * stream for every body) is made only if anything else is read, such as `body` or `clone()`.
 * It is `instanceof Response`; @hono/node-server does the same for every response.
 */
export function createNodeResponse(
  body: string,
  status: number,
  headers: Readonly<Record<string, string>>,
): Response {
  setUpNodeResponse();
  return new NodeResponse(body, status, headers) as unknown as Response;
}

class NodeResponse {
  readonly #text: string;
  readonly #status: number;
  readonly #init: Readonly<Record<string, string>>;
  #headers: Headers | undefined;
  #real: Response | undefined;
  #used = false;

  constructor(text: string, status: number, headers: Readonly<Record<string, string>>) {
    this.#text = text;
    this.#status = status;
    this.#init = headers;
  }

  get status(): number {
    return this.#status;
  }

  get ok(): boolean {
    return this.#status >= 200 && this.#status < 300;
  }

  get headers(): Headers {
    this.#headers ??= this.#real?.headers ?? createNodeHeadersOf(this.#init);
    return this.#headers;
  }

  get bodyUsed(): boolean {
    return this.#real === undefined ? this.#used : this.#real.bodyUsed;
  }

  async text(): Promise<string> {
    if (this.#real !== undefined) return this.#real.text();
    this.#consume();
    return this.#text;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#real !== undefined) return this.#real.arrayBuffer();
    this.#consume();
    return encoder.encode(this.#text).buffer as ArrayBuffer;
  }

  /** The real Response, for anything the fast members above do not serve. */
  realResponse(): Response {
    if (this.#real === undefined) {
      this.#real = new Response(this.#used ? null : this.#text, {
        status: this.#status,
        headers: realHeadersOf(this.headers),
      });
    }
    return this.#real;
  }

  #consume(): void {
    if (this.#used) throw new TypeError('Response body is already used');
    this.#used = true;
  }
}

// Every other Response member reads through to a real Response, made on first use.
const setUpNodeResponse = readThroughOnce(
  NodeResponse.prototype,
  () => Response.prototype,
  (self: NodeResponse) => self.realResponse(),
);
