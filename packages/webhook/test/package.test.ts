import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCapture } from './helpers.js';

// Imports what ships (dist/, through the workspace link): the bundled key must resolve from there.
const shipped = await import('@siphook/webhook');

describe('the built package', () => {
  it('finds the bundled sipgate key next to dist/ and verifies the live capture with it', () => {
    const pem = readFileSync(
      new URL('../assets/sipgate-push-public-key.pem', import.meta.url),
      'utf8',
    );
    expect(shipped.sipgatePublicKey()).toBe(pem);
    const capture = readCapture('signed-newcall-request.http');
    const verify = shipped.createSignatureVerifier([shipped.sipgatePublicKey()]);
    expect(verify(capture.body, capture.headers['x-sipgate-signature']!)).toBe(true);
    expect(
      verify(
        Buffer.concat([capture.body, Buffer.from(' ')]),
        capture.headers['x-sipgate-signature']!,
      ),
    ).toBe(false);
  });

  it('lists assets/ in package.json "files"', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as {
      files: string[];
    };
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'assets']));
  });
});
