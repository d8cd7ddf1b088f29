import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSourceAddressCheck, createWebhookHandler, toNodeListener } from '../src/index.js';
import { CONTRACT_EXAMPLES, captureLogger, listen, postForm } from './helpers.js';

type Server = Awaited<ReturnType<typeof listen>>;
const { logger } = captureLogger('silent');

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

describe('HTTP Basic auth', () => {
  let server: Server;
  beforeAll(async () => {
    const handler = createWebhookHandler({
      signature: false,
      logger,
      basicAuth: { username: 'sipgate', password: 'pä$$:word' },
    });
    server = await listen(toNodeListener(handler));
  });
  afterAll(() => server.close());

  it('accepts the right credentials', async () => {
    const response = await postForm(server.url, CONTRACT_EXAMPLES.newCall, {
      authorization: basic('sipgate', 'pä$$:word'),
    });
    expect(response.status).toBe(200);
  });

  it('accepts credentials sent in the URL, as sipgate.io does (https://user:pass@host)', async () => {
    const { port } = new URL(server.url);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          auth: 'sipgate:pä$$:word',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(CONTRACT_EXAMPLES.dtmf);
    });
    expect(status).toBe(200);
  });

  it.each([
    ['missing', undefined],
    ['wrong password', basic('sipgate', 'wrong')],
    ['wrong user', basic('sipgat', 'pä$$:word')],
    ['a prefix of the password', basic('sipgate', 'pä$$:wor')],
    ['another scheme', 'Bearer abc'],
    ['garbage', 'Basic %%%'],
  ])('refuses %s with 401 and WWW-Authenticate', async (_name, authorization) => {
    const response = await postForm(
      server.url,
      CONTRACT_EXAMPLES.newCall,
      authorization ? { authorization } : {},
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="siphook"');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'BASIC_AUTH_INVALID',
    );
  });
});

describe('source-address allow-list', () => {
  it('matches the socket address, IPv4-mapped IPv6 included', () => {
    const allowed = createSourceAddressCheck({ addresses: ['217.116.118.254', '212.9.46.0/24'] });
    expect(allowed('217.116.118.254', undefined)).toBe(true);
    expect(allowed('::ffff:217.116.118.254', undefined)).toBe(true);
    expect(allowed('212.9.46.32', undefined)).toBe(true);
    expect(allowed('212.9.47.32', undefined)).toBe(false);
    expect(allowed('10.0.0.1', undefined)).toBe(false);
    expect(allowed(undefined, undefined)).toBe(false);
    // Without trusted proxies, X-Forwarded-For is never believed.
    expect(allowed('10.0.0.1', '217.116.118.254')).toBe(false);
  });

  it('believes X-Forwarded-For only from trusted proxies, taking the right-most untrusted hop', () => {
    const allowed = createSourceAddressCheck({
      addresses: ['217.116.118.254'],
      trustedProxies: ['10.0.0.0/8', '::1'],
    });
    expect(allowed('10.0.0.1', '217.116.118.254')).toBe(true);
    expect(allowed('::1', '217.116.118.254')).toBe(true);
    expect(allowed('::ffff:10.1.2.3', '217.116.118.254, 10.0.0.7')).toBe(true);
    // A client can prepend anything; only the hop the proxy saw counts.
    expect(allowed('10.0.0.1', '217.116.118.254, 6.6.6.6')).toBe(false);
    // An untrusted socket's header is ignored.
    expect(allowed('6.6.6.6', '217.116.118.254')).toBe(false);
    expect(allowed('10.0.0.1', 'not-an-ip')).toBe(false);
    // Only proxies all the way: the left-most hop is the client.
    expect(allowed('10.0.0.1', '10.0.0.2')).toBe(false);
  });

  it('refuses bad entries when the handler is created', () => {
    expect(() => createSourceAddressCheck({ addresses: ['217.116.118'] })).toThrow(
      /allowList\.addresses\[0\]: expected an IP address or CIDR range/,
    );
    expect(() => createSourceAddressCheck({ addresses: ['10.0.0.0/33'] })).toThrow(
      /allowList\.addresses\[0\]/,
    );
  });

  describe('over node:http', () => {
    const servers: Server[] = [];
    afterAll(async () => {
      for (const server of servers) await server.close();
    });

    async function serve(addresses: string[], trustedProxies?: string[]): Promise<string> {
      const handler = createWebhookHandler({
        signature: false,
        logger,
        allowList: { addresses, trustedProxies },
      });
      const server = await listen(toNodeListener(handler));
      servers.push(server);
      return server.url;
    }

    it('lets the loopback client in when it is listed', async () => {
      const url = await serve(['127.0.0.1']);
      expect((await postForm(url, CONTRACT_EXAMPLES.newCall)).status).toBe(200);
    });

    it('answers 403 to an unlisted address, whatever X-Forwarded-For says', async () => {
      const url = await serve(['217.116.118.254']);
      const response = await postForm(url, CONTRACT_EXAMPLES.newCall, {
        'x-forwarded-for': '217.116.118.254',
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'ADDRESS_NOT_ALLOWED',
      );
    });

    it('takes X-Forwarded-For from a trusted proxy (loopback here)', async () => {
      const url = await serve(['217.116.118.254'], ['127.0.0.1']);
      const good = await postForm(url, CONTRACT_EXAMPLES.newCall, {
        'x-forwarded-for': '217.116.118.254',
      });
      expect(good.status).toBe(200);
      const spoofed = await postForm(url, CONTRACT_EXAMPLES.newCall, {
        'x-forwarded-for': '217.116.118.254, 203.0.113.9',
      });
      expect(spoofed.status).toBe(403);
    });

    it('refuses a fetch request without a remote address (fail closed)', async () => {
      const handler = createWebhookHandler({
        signature: false,
        logger,
        allowList: { addresses: ['127.0.0.1'] },
      });
      const request = (remoteAddress?: string) =>
        handler(
          new Request('http://localhost/', {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: CONTRACT_EXAMPLES.newCall,
          }),
          remoteAddress === undefined ? undefined : { remoteAddress },
        );
      expect((await request()).status).toBe(403);
      expect((await request('127.0.0.1')).status).toBe(200);
    });
  });
});
