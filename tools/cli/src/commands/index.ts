import type { RegisterCommand } from '../context.js';

/** A subcommand of `siphook`: its name, and how to load the module that registers it. */
export interface CommandEntry {
  name: string;
  load: () => Promise<RegisterCommand>;
}

/**
 * Every subcommand of `siphook`, in the order `--help` lists them. Each lives in its own file in
 * this folder and exports one `register*` function. Modules load on demand: `siphook wav convert`
 * never pays for the server, the simulator or undici, which is most of a cold start.
 */
export const commands: readonly CommandEntry[] = [
  { name: 'wav', load: async () => (await import('./wav.js')).registerWav },
  { name: 'xml', load: async () => (await import('./xml.js')).registerXml },
  { name: 'tts', load: async () => (await import('./tts.js')).registerTts },
  { name: 'serve-audio', load: async () => (await import('./serve-audio.js')).registerServeAudio },
  { name: 'server', load: async () => (await import('./server.js')).registerServer },
  { name: 'simulate', load: async () => (await import('./simulate.js')).registerSimulate },
  { name: 'demo', load: async () => (await import('./demo.js')).registerDemo },
];
