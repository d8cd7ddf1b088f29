import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCapture } from './helpers.js';

// Imports what ships (dist/, through the workspace link).
const shipped = await import('@siphook/webhook');
const dist = new URL('../dist/', import.meta.url);
/** The Node adapters and the Node signature primitive: the only files allowed Node's APIs. */
const NODE_ONLY = new Set([
  'node-request.js',
  'to-node-listener.js',
  'express-middleware.js',
  'fastify-plugin.js',
  'runtime-node.js',
  'node-response.js',
]);

describe('the built package', () => {
  it('bundles sipgate.io key as a constant that verifies the live capture', async () => {
    const pem = readFileSync(
      new URL('./fixtures/sipgate-push-public-key.pem', import.meta.url),
      'utf8',
    );
    expect(shipped.sipgatePublicKey()).toBe(pem);
    const capture = readCapture('signed-newcall-request.http');
    const verify = shipped.createSignatureVerifier([shipped.sipgatePublicKey()]);
    const signature = capture.headers['x-sipgate-signature']!;
    expect(await verify(capture.body, signature)).toBe(true);
    expect(await verify(Buffer.concat([capture.body, Buffer.from(' ')]), signature)).toBe(false);
  });

  it('has a core that uses only web-standard APIs: no node: import, Buffer, process or file read', () => {
    const files = readdirSync(dist).filter((file) => file.endsWith('.js'));
    expect(files).toContain('create-webhook-handler.js');
    for (const file of files) {
      // Comments may name Node's APIs (they say why the code does not use them).
      const code = readFileSync(new URL(file, dist), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      // No file imports node: at load, so importing the package works on any runtime.
      if (file !== 'runtime-node.js') {
        expect({ file, nodeImport: /from ['"]node:|import\(['"]node:/.test(code) }).toEqual({
          file,
          nodeImport: false,
        });
      }
      if (NODE_ONLY.has(file)) continue;
      expect({
        file,
        nodeOnly: code.match(/\b(?:Buffer|process|require|readFileSync)\b/g),
      }).toEqual({
        file,
        nodeOnly: null,
      });
    }
  });

  it('resolves #runtime to the Node primitives on Node only', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const conditions = manifest.imports['#runtime'];
    expect(conditions.node).toBe('./dist/runtime-node.js');
    for (const runtime of ['bun', 'deno', 'default']) {
      expect(conditions[runtime]).toBe('./dist/runtime-web.js');
    }
    // Object order decides among conditions: bun and deno (which also match "node") come first.
    expect(Object.keys(conditions).indexOf('node')).toBeGreaterThan(
      Object.keys(conditions).indexOf('deno'),
    );
  });
});
