// Small node:http client for the tests: exact control over method, headers and body bytes, and
// a fresh connection per request (so one request's fate cannot leak into the next).
import { generateKeyPairSync, sign } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/** A received answer. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const FORM = 'application/x-www-form-urlencoded; charset=UTF-8';

/** Sends one request and reads the whole answer. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<Reply> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
        rejectUnauthorized: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Posts a form body, optionally signed with `privateKey` (X-Sipgate-Signature). */
export function post(
  url: string,
  body: string | Uint8Array,
  options: { privateKey?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': FORM, ...options.headers };
  if (options.privateKey !== undefined)
    headers['X-Sipgate-Signature'] = signBody(body, options.privateKey);
  return send(url, { method: 'POST', headers, body });
}

/** RSA-SHA256 over the raw body, base64: what sipgate.io puts in X-Sipgate-Signature. */
export function signBody(body: string | Uint8Array, privateKey: string): string {
  return sign('sha256', typeof body === 'string' ? Buffer.from(body) : body, privateKey).toString(
    'base64',
  );
}

/** A throwaway RSA key pair (PEM) standing in for a simulator's test key. */
export function testKeyPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/**
 * Writes raw bytes on a fresh TCP connection, half-closes it, and returns whatever came back
 * (possibly nothing) once the server closes its side.
 */
export function sendRaw(url: string, bytes: string): Promise<string> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(target.port), target.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.end(bytes);
  });
}
