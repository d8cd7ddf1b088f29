import type { IncomingMessage } from 'node:http';
import { createNodeHeaders, realHeadersOf } from './node-headers.js';
import { readThroughOnce } from './read-through.js';

/**
 * A fetch `Request` over a node:http request, made cheaply: `method`, `url`, `headers`,
 * `arrayBuffer()` and `body` are served from the IncomingMessage itself, and a real `Request` is
 * built only if anything else is read (as @hono/node-server does). Building a real Request and
 * reading its stream back costs about as much CPU as node:http spends on the whole request.
 *
 * `preread` is a body a framework already read (Express with `express.raw()`, Fastify).
 */
export function createNodeRequest(incoming: IncomingMessage, preread?: Uint8Array): Request {
  setUpNodeRequest();
  return new NodeRequest(incoming, preread) as unknown as Request;
}

class NodeRequest {
  readonly #incoming: IncomingMessage;
  #preread: Uint8Array | undefined;
  #headers: Headers | undefined;
  #url: string | undefined;
  #body: ReadableStream<Uint8Array> | undefined;
  #real: Request | undefined;

  constructor(incoming: IncomingMessage, preread: Uint8Array | undefined) {
    this.#incoming = incoming;
    this.#preread = preread;
  }

  get method(): string {
    return this.#incoming.method ?? 'GET';
  }

  get url(): string {
    if (this.#url === undefined) {
      const incoming = this.#incoming;
      const secure = (incoming.socket as { encrypted?: boolean }).encrypted === true;
      // Express strips its mount path from `url`; callback URLs must go back through it.
      const path = (incoming as { originalUrl?: string }).originalUrl ?? incoming.url ?? '/';
      this.#url = `${secure ? 'https' : 'http'}://${incoming.headers.host ?? 'localhost'}${path}`;
    }
    return this.#url;
  }

  get headers(): Headers {
    this.#headers ??= createNodeHeaders(this.#incoming.rawHeaders);
    return this.#headers;
  }

  get body(): ReadableStream<Uint8Array> | null {
    const method = this.method;
    if (method === 'GET' || method === 'HEAD') return null;
    this.#body ??=
      this.#preread !== undefined ? new Response(this.#preread).body! : streamOf(this.#incoming);
    return this.#body;
  }

  /**
   * The whole body (fetch's `Request.bytes()`); read from the socket unless a framework already
   * read it. The bytes are the ones received, not a copy: allocating and filling a fresh
   * ArrayBuffer for every push cost more than reading the body did.
   */
  bytes(): Promise<Uint8Array> {
    if (this.#body !== undefined) {
      return new Response(this.#body).arrayBuffer().then((buffer) => new Uint8Array(buffer));
    }
    if (this.#preread !== undefined) return Promise.resolve(this.#preread);
    return collect(this.#incoming).then((bytes) => {
      this.#preread = bytes;
      return bytes;
    });
  }

  /** The whole body, as a copy of its own (an ArrayBuffer cannot be a view of the received one). */
  async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#body !== undefined) return new Response(this.#body).arrayBuffer();
    const bytes = await this.bytes();
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return copy.buffer;
  }

  /** The real Request, for anything the fast members above do not serve. */
  realRequest(): Request {
    if (this.#real === undefined) {
      const body = this.body;
      this.#real = new Request(this.url, {
        method: this.method,
        headers: realHeadersOf(this.headers),
        body,
        duplex: 'half',
      } as RequestInit);
    }
    return this.#real;
  }
}

// Every other Request member reads through to a real Request, made on first use.
const setUpNodeRequest = readThroughOnce(
  NodeRequest.prototype,
  () => Request.prototype,
  (self: NodeRequest) => self.realRequest(),
);

/** Reads an IncomingMessage to its end; rejects when it is cut short. */
function collect(incoming: IncomingMessage): Promise<Uint8Array> {
  // The parser has the whole message (a push fits in one packet): take the buffered body as it
  // is, without listeners. `read()` in paused mode returns everything buffered.
  if (incoming.complete && !incoming.readableFlowing) {
    const buffered = incoming.read() as Buffer | null;
    return Promise.resolve(buffered ?? new Uint8Array(0));
  }
  return new Promise((resolve, reject) => {
    if (incoming.readableEnded) {
      resolve(new Uint8Array(0));
      return;
    }
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    let settled = false;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (first === undefined) first = chunk;
      else {
        chunks ??= [first];
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => {
      settled = true;
      resolve(chunks ? Buffer.concat(chunks, size) : (first ?? new Uint8Array(0)));
    };
    // Stays attached once settled: a late 'aborted' error must never go unhandled.
    const onFailure = (): void => {
      if (settled) return;
      settled = true;
      reject(new Error('the request body ended before its Content-Length'));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('close', () => {
      if (!incoming.complete) onFailure();
    });
    incoming.on('error', onFailure);
  });
}

/**
 * The body as a web stream. Unlike `Readable.toWeb`, cancelling it does not destroy the request
 * (which would close the socket before the answer): it only stops reading, and the listener
 * drops the rest after answering.
 */
function streamOf(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  let finished = false;
  let onData: ((chunk: Buffer) => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      onData = (chunk) => {
        if (finished) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
      };
      incoming.on('data', onData);
      incoming.on('end', () => {
        if (finished) return;
        finished = true;
        controller.close();
      });
      incoming.on('close', () => {
        if (finished || incoming.complete) return;
        finished = true;
        controller.error(new Error('the request body ended before it was complete'));
      });
      incoming.on('error', () => {});
    },
    pull() {
      incoming.resume();
    },
    cancel() {
      finished = true;
      if (onData !== undefined) incoming.off('data', onData);
      incoming.pause();
    },
  });
}
