import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSiphookError } from '@siphook/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, loadFlow, parsePromptManifest } from '../src/index.js';
import { post } from './http-client.js';

const FLOW = `
prompts: prompts.json
routes:
  - actions:
      - gather:
          play: welcome.wav
          maxDigits: 1
          branches:
            "1":
              - play: menu/connecting.wav
              - dial: "4915799912345"
`;
const MANIFEST = {
  'menu/connecting.wav': 'https://cdn.example.com/hotline/menu/connecting.9b1f0c7d52e4a8e3.wav',
  'welcome.wav': 'https://cdn.example.com/hotline/welcome.3f2a9c1d0b4e5f67.wav',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'siphook-manifest-'));
  await writeFile(path.join(dir, 'flow.yaml'), FLOW);
  await writeFile(path.join(dir, 'prompts.json'), JSON.stringify(MANIFEST));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a flow whose prompts: names a manifest from siphook wav publish', () => {
  it('plays the published URLs, with no prompts folder and no audio host', async () => {
    const server = await createServer({
      flow: path.join(dir, 'flow.yaml'),
      port: 0,
      signature: false,
      logLevel: 'silent',
    });
    try {
      expect(server.flow.manifest).toEqual(MANIFEST);
      const newCall = await post(
        `${server.listenUrl}/`,
        'event=newCall&callId=m-1&from=492111234567&to=4915791234567&direction=in',
      );
      expect(newCall.body).toContain(`<Url>${MANIFEST['welcome.wav']}</Url>`);
      const dtmf = await post(`${server.listenUrl}/dtmf`, 'event=dtmf&callId=m-1&dtmf=1');
      expect(dtmf.body).toContain(`<Url>${MANIFEST['menu/connecting.wav']}</Url>`);
    } finally {
      await server.close();
    }
  });

  it('refuses a flow that plays a prompt the manifest lacks, naming it', async () => {
    await writeFile(
      path.join(dir, 'short.json'),
      JSON.stringify({ 'welcome.wav': MANIFEST['welcome.wav'] }),
    );
    await writeFile(path.join(dir, 'short.yaml'), FLOW.replace('prompts.json', 'short.json'));
    const error = await loadFlow(path.join(dir, 'short.yaml')).catch((caught: unknown) => caught);
    expect(isSiphookError(error, 'FLOW_INVALID')).toBe(true);
    expect((error as Error).message).toContain('menu/connecting.wav');
    expect((error as Error).message).toContain('an entry of the prompt manifest');
  });

  it('refuses a manifest that is not names to http(s) URLs', () => {
    for (const text of ['[1]', '{"a.wav": "ftp://x/a.wav"}', '{"a.wav": 3}', 'not json']) {
      const error = (() => {
        try {
          parsePromptManifest(text, 'prompts.json');
        } catch (caught) {
          return caught;
        }
      })();
      expect(isSiphookError(error, 'FLOW_INVALID'), text).toBe(true);
      expect((error as Error).message).toContain('prompt manifest prompts.json');
    }
  });
});
