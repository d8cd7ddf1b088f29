import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createServer, loadFlow } from '../src/index.js';
import { post } from './http-client.js';

const FLOWS = fileURLToPath(new URL('../flows/', import.meta.url));

describe('the flows shipped in flows/', () => {
  for (const file of readdirSync(FLOWS).filter((name) => /\.(ya?ml|json)$/.test(name))) {
    it(`${file} loads and names only prompts that exist`, async () => {
      const loaded = await loadFlow(path.join(FLOWS, file));
      expect(loaded.flow.routes.length).toBeGreaterThan(0);
      // A flow plays prompt files or says texts (tts-demo.yaml only says).
      expect(loaded.prompts.length + loaded.says.length).toBeGreaterThan(0);
    });
  }

  it('screening.json routes by caller and number', { timeout: 30_000 }, async () => {
    const server = await createServer({
      port: 0,
      signature: false,
      logLevel: 'silent',
      flow: path.join(FLOWS, 'screening.json'),
    });
    try {
      const call = (from: string, to: string) =>
        post(server.url, `event=newCall&direction=in&from=${from}&to=${to}&callId=${from}${to}`);
      expect((await call('anonymous', '4921112345')).body).toMatch(/<Reject reason="busy"\s*\/>/);
      expect((await call('4930123', '492115555')).body).toContain('<Gather');
      expect((await call('4930123', '4989123')).body).toMatch(/<Voicemail\s*\/>/);
    } finally {
      await server.close();
    }
  });
});
