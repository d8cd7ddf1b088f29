import http from 'node:http';

/** What became of one request: answered, refused before it was sent, or lost (sent, no answer). */
export type PushOutcome = 'answered' | 'refused' | 'lost';

/**
 * POSTs a form body on a keep-alive agent and tells what became of it, for shutdown tests and
 * benchmarks: a refused connection never carried the request; any other failure after sending is
 * a request lost.
 */
export function postKeepAlive(url: URL, agent: http.Agent, body: string): Promise<PushOutcome> {
  return new Promise((resolve) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode === 200 ? 'answered' : 'lost'));
        response.on('error', () => resolve('lost'));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'lost');
    });
    request.end(body);
  });
}
