import { describe, expect, it } from 'vitest';
import { createNodeHeaders } from '../src/node-headers.js';
import { createNodeRequest } from '../src/node-request.js';
import { createNodeResponse } from '../src/node-response.js';
import { listen } from './helpers.js';

// The Node adapters' cheap Request, Headers and Response must behave as the real ones in every
// member, the fast ones and those read through to a real object.

describe('the cheap Response', () => {
  const make = () =>
    createNodeResponse('{"a":1}', 201, { 'content-type': 'application/json', allow: 'POST' });

  it('serves status, headers, text and arrayBuffer, and is a Response', async () => {
    const response = make();
    expect(response).toBeInstanceOf(Response);
    expect(Object.prototype.toString.call(response)).toBe('[object Response]');
    expect([response.status, response.ok, response.bodyUsed]).toEqual([201, true, false]);
    const seen: string[] = [];
    response.headers.forEach((value, name) => {
      seen.push(`${name}: ${value}`);
    });
    expect(seen).toEqual(['allow: POST', 'content-type: application/json']);
    expect(await response.text()).toBe('{"a":1}');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(new TextDecoder().decode(await make().arrayBuffer())).toBe('{"a":1}');
  });

  it('reads every other member through a real Response: body, json, clone, statusText, iteration', async () => {
    expect(await make().json()).toEqual({ a: 1 });
    expect(await new Response(make().body).text()).toBe('{"a":1}');
    const original = make();
    const copy = original.clone();
    expect(await copy.text()).toBe('{"a":1}');
    expect(await original.text()).toBe('{"a":1}');
    const response = make();
    expect([response.statusText, response.type, response.redirected]).toEqual([
      '',
      'default',
      false,
    ]);
    expect([...response.headers]).toEqual([
      ['allow', 'POST'],
      ['content-type', 'application/json'],
    ]);
    response.headers.set('x-extra', '1');
    expect(response.headers.get('x-extra')).toBe('1');
  });
});

describe('the cheap Headers over raw header lines', () => {
  it('gets case-insensitively, joins repeats as Headers does, and iterates as Headers', () => {
    const raw = ['Content-Type', 'text/plain', 'X-Many', 'a', 'x-many', 'b', 'Host', 'h'];
    const fast = createNodeHeaders(raw);
    const real = new Headers();
    for (let i = 0; i < raw.length; i += 2) real.append(raw[i]!, raw[i + 1]!);
    for (const name of ['content-type', 'X-MANY', 'host', 'absent']) {
      expect(fast.get(name)).toBe(real.get(name));
      expect(fast.has(name)).toBe(real.has(name));
    }
    expect([...fast]).toEqual([...real]);
    expect(fast).toBeInstanceOf(Headers);
  });
});

describe('the cheap Request over an IncomingMessage', () => {
  it('serves method, url, headers and arrayBuffer, and reads the rest through a real Request', async () => {
    const seen: unknown[] = [];
    const server = await listen((incoming, response) => {
      const request = createNodeRequest(incoming);
      const fast = createNodeRequest(incoming);
      void (async () => {
        seen.push(request instanceof Request, request.method, new URL(request.url).pathname);
        seen.push(request.headers.get('content-type'), request.headers.get('x-twice'));
        seen.push(await request.clone().text(), request.signal instanceof AbortSignal);
        seen.push(fast.headers.get('host') !== null);
        response.end('done');
      })();
    });
    try {
      const response = await fetch(`${server.url}/a/b?c=1`, {
        method: 'POST',
        headers: [
          ['content-type', 'application/x-www-form-urlencoded'],
          ['x-twice', '1'],
          ['x-twice', '2'],
        ],
        body: 'event=dtmf',
      });
      expect(await response.text()).toBe('done');
      expect(seen).toEqual([
        true,
        'POST',
        '/a/b',
        'application/x-www-form-urlencoded',
        '1, 2',
        'event=dtmf',
        true,
        true,
      ]);
    } finally {
      await server.close();
    }
  });

  it('reads the body whole, or as a stream that stops without closing the connection', async () => {
    const seen: string[] = [];
    const server = await listen((incoming, response) => {
      const request = createNodeRequest(incoming);
      void (async () => {
        if (incoming.url === '/whole') {
          // bytes() is fetch's Request.bytes() (Node 22+); the stand-in serves it on Node 20 too.
          const { bytes } = request as unknown as { bytes(): Promise<Uint8Array> };
          const read = await bytes.call(request);
          seen.push(`${read instanceof Uint8Array} ${new TextDecoder().decode(read)}`);
          seen.push(new TextDecoder().decode(await request.arrayBuffer()));
        } else {
          const reader = request.body!.getReader();
          const first = await reader.read();
          seen.push(`chunk ${first.value?.byteLength ?? 0}`);
          await reader.cancel();
          incoming.resume();
        }
        response.end('ok');
      })();
    });
    try {
      expect(
        await (await fetch(`${server.url}/whole`, { method: 'POST', body: 'abc' })).text(),
      ).toBe('ok');
      const streamed = await fetch(`${server.url}/stream`, {
        method: 'POST',
        body: 'x'.repeat(100_000),
      });
      expect(await streamed.text()).toBe('ok');
      expect(seen.slice(0, 2)).toEqual(['true abc', 'abc']);
      expect(seen[2]).toMatch(/^chunk [1-9]/);
    } finally {
      await server.close();
    }
  });
});
