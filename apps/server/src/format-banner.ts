import path from 'node:path';
import type { SiphookServer } from './create-server.js';

/** What the startup banner says, as data (the CLI's `--json` output). */
export interface StartupInfo {
  /** The URL to enter in the sipgate.io dashboard (with Basic-auth credentials when set). */
  webhookUrl: string;
  /** The address the server listens on. */
  listenUrl: string;
  /** Base URL of the prompts. */
  audioUrl: string;
  /** `GET` here answers 200 while the server runs. */
  healthUrl: string;
  /** The flow file, or `(object)`. */
  flow: string;
  /** Prompt files the flow plays. */
  prompts: string[];
  /** Whether `X-Sipgate-Signature` is checked, and against how many keys besides sipgate.io's. */
  signature: { enabled: boolean; extraKeys: number };
  /** The command that places a simulated call against this server. */
  simulate: string;
}

/** Collects the {@link StartupInfo} of a running server. */
export function describeServer(server: SiphookServer, cwd: string = process.cwd()): StartupInfo {
  const target = server.config.basicAuth === undefined ? `${server.url}/` : server.webhookUrl;
  return {
    webhookUrl: server.webhookUrl,
    listenUrl: server.listenUrl,
    audioUrl: `${server.audioUrl}/`,
    healthUrl: `${server.url}/healthz`,
    flow: server.flow.file === undefined ? '(object)' : path.relative(cwd, server.flow.file),
    prompts: server.flow.prompts,
    signature: { enabled: server.config.signature, extraKeys: server.config.trustKeys.length },
    simulate: `npx siphook simulate ${target} --dtmf 1`,
  };
}

/**
 * The text `siphook server` prints once listening: the URL for the sipgate.io dashboard, how to
 * place a simulated call, and, with signatures on, how to let local unsigned requests in.
 */
export function formatBanner(info: StartupInfo, options: { publicUrlGiven: boolean }): string {
  const lines = [
    `siphook server listening on ${info.listenUrl} (flow: ${info.flow})`,
    '',
    'Webhook URL for the sipgate.io dashboard (incoming and outgoing calls):',
    `  ${info.webhookUrl}`,
  ];
  if (!options.publicUrlGiven) {
    lines.push(
      '  sipgate.io must reach this URL from the internet: behind a tunnel or proxy, restart with',
      '  --public-url https://<your-public-host> (PUBLIC_URL) so prompt and callback URLs use it too.',
    );
  }
  lines.push(
    '',
    `Prompts: ${info.audioUrl} (${info.prompts.length} ${info.prompts.length === 1 ? 'file' : 'files'})`,
    `Health:  ${info.healthUrl}`,
    '',
  );
  if (info.signature.enabled) {
    const extra =
      info.signature.extraKeys === 0
        ? ''
        : ` and ${info.signature.extraKeys} trusted ${info.signature.extraKeys === 1 ? 'key' : 'keys'}`;
    lines.push(
      `Signatures: ON (X-Sipgate-Signature must verify with sipgate.io's key${extra}); unsigned requests get 401.`,
      "  For local play, trust the simulator's public key with --trust-key <public.pem>,",
      '  or restart with --no-signature (SIPHOOK_SIGNATURE=off; never on a public address).',
    );
  } else {
    lines.push(
      'Signatures: OFF (--no-signature): anyone who can reach this server can post pushes.',
    );
  }
  lines.push(
    '',
    'Place a simulated call (in another terminal):',
    `  ${info.simulate}`,
    '',
    'Stop with Ctrl+C: in-flight requests finish first.',
    '',
  );
  return lines.join('\n');
}
