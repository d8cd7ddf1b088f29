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
  /** The inspector page over the call log, when the server keeps one. */
  inspectUrl?: string;
  /** The flow file, or `(object)`. */
  flow: string;
  /** Prompt files the flow plays. */
  prompts: string[];
  /** How many `say:` steps the flow has (their prompts are under `<audioUrl>say/`). */
  says: number;
  /** Whether `X-Sipgate-Signature` is checked, and against how many keys besides sipgate.io's. */
  signature: { enabled: boolean; extraKeys: number };
  /** The command that places a simulated call against this server. */
  simulate: string;
  /** Where call state lives: `memory` (this process only), or the shared store's name. */
  store: string;
  /** Worker processes on the port (`siphook server --workers`); absent for one process. */
  workers?: number;
}

/** The private half `siphook simulate keygen` writes beside a trusted public key. */
const KEYGEN_PUBLIC = 'siphook-test-public-key.pem';
const KEYGEN_PRIVATE = 'siphook-test-private-key.pem';

/** Collects the {@link StartupInfo} of a running server. */
export function describeServer(server: SiphookServer, cwd: string = process.cwd()): StartupInfo {
  const target = server.config.basicAuth === undefined ? `${server.url}/` : server.webhookUrl;
  let simulate = `npx siphook simulate ${target} --dtmf 1`;
  // A key pair from `siphook simulate keygen`: the call can be signed with its private half.
  const keygenKey = server.config.trustKeySources.find(
    (source) => path.basename(source) === KEYGEN_PUBLIC,
  );
  if (server.config.signature && keygenKey !== undefined) {
    const privateKey = path.join(path.dirname(keygenKey), KEYGEN_PRIVATE);
    simulate += ` --sign-key ${shortPath(privateKey, cwd)}`;
  }
  return {
    webhookUrl: server.webhookUrl,
    listenUrl: server.listenUrl,
    audioUrl: `${server.audioUrl}/`,
    healthUrl: `${server.url}/healthz`,
    ...(server.inspectUrl === undefined ? {} : { inspectUrl: server.inspectUrl }),
    flow: server.flow.file === undefined ? '(object)' : shortPath(server.flow.file, cwd),
    prompts: server.flow.prompts,
    says: server.flow.says.length,
    signature: { enabled: server.config.signature, extraKeys: server.config.trustKeys.length },
    simulate,
    store: server.storeName,
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
    `Prompts: ${info.audioUrl} (${info.prompts.length} ${info.prompts.length === 1 ? 'file' : 'files'}${info.says === 0 ? '' : `; ${info.says} say: ${info.says === 1 ? 'step' : 'steps'} under say/`})`,
    `Health:  ${info.healthUrl}`,
    `Calls:   ${info.store === 'memory' ? 'state in memory (this process only)' : `state in ${info.store} (shared by every instance)`}${info.workers === undefined ? '' : `; ${info.workers} ${info.workers === 1 ? 'worker' : 'workers'} on this port`}`,
    ...(info.inspectUrl === undefined ? [] : [`Calls:   ${info.inspectUrl} (the call log)`]),
    '',
  );
  if (info.signature.enabled) {
    const extra =
      info.signature.extraKeys === 0
        ? ''
        : ` and ${info.signature.extraKeys} trusted ${info.signature.extraKeys === 1 ? 'key' : 'keys'}`;
    lines.push(
      `Signatures: ON (X-Sipgate-Signature must verify with sipgate.io's key${extra}); unsigned requests get 401.`,
    );
    if (!info.simulate.includes('--sign-key')) {
      lines.push(
        '  For local play, make a test key pair and trust its public half:',
        '    npx siphook simulate keygen --out keys',
        '    then restart with --trust-key keys/siphook-test-public-key.pem (the simulate command',
        '    below then signs with --sign-key keys/siphook-test-private-key.pem);',
        '  or restart with --no-signature (SIPHOOK_SIGNATURE=off; never on a public address);',
        '  or run `npx siphook demo`: server and one signed simulated call in one go.',
      );
    }
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

/** A path relative to `cwd` when it lies below it, else absolute. */
function shortPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
