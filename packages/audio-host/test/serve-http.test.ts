import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudioHost, createAudioHost } from '../src/index.js';
import { listen, makeTempDir, makeWav, rawRequest } from './helpers.js';

// Served from memory (default) and streamed from disk (maxMemoryBytes below the prompt size): the
// same HTTP behaviour is required of both paths.
for (const mode of ['memory', 'stream'] as const) {
  describe(`serving a prompt over HTTP (${mode})`, () => {
    const welcome = makeWav({ seconds: 3, seed: 440 });
    let temp: Awaited<ReturnType<typeof makeTempDir>>;
    let host: AudioHost;
    let http: Awaited<ReturnType<typeof listen>>;
    let hashed: string;

    beforeAll(async () => {
      temp = await makeTempDir(`serve-${mode}`);
      await writeFile(join(temp.dir, 'welcome.wav'), welcome);
      host = await createAudioHost({
        root: temp.dir,
        publicUrl: 'http://127.0.0.1:1/',
        ...(mode === 'stream' ? { maxMemoryBytes: 1024 } : {}),
      });
      http = await listen(host.handle);
      hashed = `/${host.prompts()[0]!.hashedName}`;
    });
    afterAll(async () => {
      await http.close();
      await host.close();
      await temp.remove();
    });

    it('serves the plain name with a short cache, a strong ETag and exact headers', async () => {
      const response = await rawRequest(http.port, '/welcome.wav');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('audio/wav');
      expect(response.headers['content-length']).toBe(String(welcome.length));
      expect(response.headers['accept-ranges']).toBe('bytes');
      expect(response.headers['cache-control']).toBe('public, max-age=60');
      expect(response.headers['etag']).toMatch(/^"[0-9a-f]{32}"$/);
      expect(response.headers['last-modified']).toMatch(/GMT$/);
      expect(response.body.equals(welcome)).toBe(true);
    });

    it('serves the hashed name as immutable with the same bytes', async () => {
      expect(hashed).toMatch(/^\/welcome\.[0-9a-f]{8}\.wav$/);
      const response = await rawRequest(http.port, hashed);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(response.body.equals(welcome)).toBe(true);
      expect(host.urlFor('welcome')).toBe(`http://127.0.0.1:1${hashed}`);
      expect(host.urlFor('welcome.wav')).toBe(host.urlFor('welcome'));
    });

    it('answers a stale hash with 404', async () => {
      expect((await rawRequest(http.port, '/welcome.00000000.wav')).status).toBe(404);
    });

    it('answers HEAD with the headers of GET and no body', async () => {
      const response = await rawRequest(http.port, '/welcome.wav', { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(response.headers['content-length']).toBe(String(welcome.length));
      expect(response.body.length).toBe(0);
    });

    it.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])(
      'answers %s with 405 and Allow',
      async (method) => {
        const response = await rawRequest(http.port, '/welcome.wav', {
          method,
          headers: { 'Content-Length': '0' },
        });
        expect(response.status).toBe(405);
        expect(response.headers['allow']).toBe('GET, HEAD');
      },
    );

    describe('Range', () => {
      const size = welcome.length;
      const cases: [string, number, number][] = [
        ['bytes=0-0', 0, 0],
        [`bytes=${size - 1}-${size - 1}`, size - 1, size - 1],
        ['bytes=-500', size - 500, size - 1],
        ['bytes=100-', 100, size - 1],
        [`bytes=1000-${size + 5000}`, 1000, size - 1],
        [`bytes=-${size + 10}`, 0, size - 1],
        ['bytes=44-1043', 44, 1043],
      ];
      it.each(cases)('%s gives 206 with bytes %i-%i', async (range, start, end) => {
        const response = await rawRequest(http.port, '/welcome.wav', { headers: { Range: range } });
        expect(response.status).toBe(206);
        expect(response.headers['content-range']).toBe(`bytes ${start}-${end}/${size}`);
        expect(response.headers['content-length']).toBe(String(end - start + 1));
        expect(response.body.equals(welcome.subarray(start, end + 1))).toBe(true);
      });

      it.each([`bytes=${size}-`, `bytes=${size + 100}-${size + 200}`, 'bytes=-0', 'bytes=500-100'])(
        '%s gives 416 with Content-Range bytes */size',
        async (range) => {
          const response = await rawRequest(http.port, '/welcome.wav', {
            headers: { Range: range },
          });
          expect(response.status).toBe(416);
          expect(response.headers['content-range']).toBe(`bytes */${size}`);
        },
      );

      it('answers several ranges with the whole file (200), as documented', async () => {
        const response = await rawRequest(http.port, '/welcome.wav', {
          headers: { Range: 'bytes=0-10,20-30' },
        });
        expect(response.status).toBe(200);
        expect(response.body.equals(welcome)).toBe(true);
      });

      it.each(['items=0-10', 'bytes=abc', 'bytes=-'])(
        'ignores the malformed or foreign range %s (200)',
        async (range) => {
          const response = await rawRequest(http.port, '/welcome.wav', {
            headers: { Range: range },
          });
          expect(response.status).toBe(200);
          expect(response.body.length).toBe(size);
        },
      );

      it('ignores Range on HEAD', async () => {
        const response = await rawRequest(http.port, '/welcome.wav', {
          method: 'HEAD',
          headers: { Range: 'bytes=0-0' },
        });
        expect(response.status).toBe(200);
        expect(response.headers['content-length']).toBe(String(size));
      });

      it('honours If-Range only with the current ETag', async () => {
        const etag = (await rawRequest(http.port, '/welcome.wav', { method: 'HEAD' })).headers[
          'etag'
        ]!;
        const current = await rawRequest(http.port, '/welcome.wav', {
          headers: { Range: 'bytes=0-9', 'If-Range': etag },
        });
        expect(current.status).toBe(206);
        const stale = await rawRequest(http.port, '/welcome.wav', {
          headers: { Range: 'bytes=0-9', 'If-Range': '"0000"' },
        });
        expect(stale.status).toBe(200);
        expect(stale.body.length).toBe(size);
      });
    });

    describe('conditional requests', () => {
      it('answers a matching If-None-Match with 304 and no body', async () => {
        const first = await rawRequest(http.port, '/welcome.wav');
        const etag = first.headers['etag']!;
        for (const header of [etag, `"other", ${etag}`, `W/${etag}`, '*']) {
          const response = await rawRequest(http.port, '/welcome.wav', {
            headers: { 'If-None-Match': header },
          });
          expect(response.status, header).toBe(304);
          expect(response.body.length).toBe(0);
          expect(response.headers['etag']).toBe(etag);
        }
        const miss = await rawRequest(http.port, '/welcome.wav', {
          headers: { 'If-None-Match': '"nope"' },
        });
        expect(miss.status).toBe(200);
      });

      it('answers If-Modified-Since at or after Last-Modified with 304, earlier with 200', async () => {
        const lastModified = (await rawRequest(http.port, hashed)).headers['last-modified']!;
        const same = await rawRequest(http.port, hashed, {
          headers: { 'If-Modified-Since': lastModified },
        });
        expect(same.status).toBe(304);
        const later = new Date(Date.parse(lastModified) + 60_000).toUTCString();
        expect(
          (await rawRequest(http.port, hashed, { headers: { 'If-Modified-Since': later } })).status,
        ).toBe(304);
        const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
        expect(
          (await rawRequest(http.port, hashed, { headers: { 'If-Modified-Since': earlier } }))
            .status,
        ).toBe(200);
        expect(
          (await rawRequest(http.port, hashed, { headers: { 'If-Modified-Since': 'not a date' } }))
            .status,
        ).toBe(200);
      });

      it('answers a failing If-Match with 412 (strong comparison), a matching one as usual', async () => {
        const etag = (await rawRequest(http.port, '/welcome.wav', { method: 'HEAD' })).headers[
          'etag'
        ]!;
        for (const header of ['"nope"', `W/${etag}`, `"a", W/${etag}`]) {
          for (const method of ['GET', 'HEAD']) {
            const response = await rawRequest(http.port, '/welcome.wav', {
              method,
              headers: { 'If-Match': header, Range: 'bytes=0-3' },
            });
            expect(response.status, `${method} ${header}`).toBe(412);
            expect(response.body.includes(welcome.subarray(0, 44))).toBe(false);
          }
        }
        for (const header of [etag, `"a", ${etag}`, '*']) {
          const response = await rawRequest(http.port, hashed, { headers: { 'If-Match': header } });
          expect(response.status, header).toBe(200);
          expect(response.body.equals(welcome)).toBe(true);
        }
        const part = await rawRequest(http.port, hashed, {
          headers: { 'If-Match': etag, Range: 'bytes=0-3' },
        });
        expect(part.status).toBe(206);
        const fetched = await host.fetch(
          new Request('http://127.0.0.1/welcome.wav', { headers: { 'If-Match': '"nope"' } }),
        );
        expect(fetched.status).toBe(412);
      });

      it('answers If-Unmodified-Since before Last-Modified with 412, at or after it as usual', async () => {
        const lastModified = (await rawRequest(http.port, hashed)).headers['last-modified']!;
        const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
        const failed = await rawRequest(http.port, hashed, {
          headers: { 'If-Unmodified-Since': earlier },
        });
        expect(failed.status).toBe(412);
        expect(failed.body.includes(welcome.subarray(0, 44))).toBe(false);
        const later = new Date(Date.parse(lastModified) + 60_000).toUTCString();
        for (const header of [lastModified, later, 'not a date']) {
          const response = await rawRequest(http.port, hashed, {
            headers: { 'If-Unmodified-Since': header },
          });
          expect(response.status, header).toBe(200);
        }
        // If-Match, when present, decides instead (RFC 9110 §13.2.2).
        const etag = (await rawRequest(http.port, hashed, { method: 'HEAD' })).headers['etag']!;
        const both = await rawRequest(http.port, hashed, {
          headers: { 'If-Match': etag, 'If-Unmodified-Since': earlier },
        });
        expect(both.status).toBe(200);
        const fetched = await host.fetch(
          new Request(`http://127.0.0.1${hashed}`, { headers: { 'If-Unmodified-Since': earlier } }),
        );
        expect(fetched.status).toBe(412);
      });

      it('lets If-None-Match win over If-Modified-Since', async () => {
        const head = await rawRequest(http.port, '/welcome.wav', { method: 'HEAD' });
        const response = await rawRequest(http.port, '/welcome.wav', {
          headers: {
            'If-None-Match': '"different"',
            'If-Modified-Since': head.headers['last-modified']!,
          },
        });
        expect(response.status).toBe(200);
      });
    });

    it('has no listing at / by default', async () => {
      expect((await rawRequest(http.port, '/')).status).toBe(404);
      expect((await rawRequest(http.port, '/index.json')).status).toBe(404);
    });

    it('keeps serving over keep-alive with fetch', async () => {
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${http.origin}/welcome.wav`);
        expect(response.status).toBe(200);
        expect(Buffer.from(await response.arrayBuffer()).equals(welcome)).toBe(true);
      }
    });
  });
}
