import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Inspector } from './create-inspector.js';

/**
 * Adapts the inspector to node:http: builds a fetch `Request` (no body: the inspector answers GET
 * and HEAD only), and streams the `Response` back, ending the stream when the client goes away.
 *
 * @example
 * http.createServer(inspectorListener(createInspector({ reader: log }))).listen(4000, '127.0.0.1');
 */
export function inspectorListener(
  inspector: Inspector,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const aborted = new AbortController();
    response.once('close', () => aborted.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else headers.set(name, value);
    }
    // The Host header only names the origin of redirects, which stay on the same path anyway.
    const url = new URL(request.url ?? '/', 'http://inspector.invalid');
    const fetchRequest = new Request(url, {
      method: request.method ?? 'GET',
      headers,
      signal: aborted.signal,
    });
    request.resume();
    inspector.handle(fetchRequest).then(
      (answer) => send(answer, request.method === 'HEAD', response),
      () => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      },
    );
  };
}

async function send(answer: Response, head: boolean, response: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  answer.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = answer.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  response.writeHead(answer.status, headers);
  if (answer.body === null || head) {
    await answer.body?.cancel();
    response.end();
    return;
  }
  const reader = answer.body.getReader();
  response.once('close', () => {
    reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // Server-sent events must leave at once, not when a buffer fills.
      if (!response.write(value)) await new Promise((resolve) => response.once('drain', resolve));
    }
  } catch {
    // The client went away.
  }
  response.end();
}
