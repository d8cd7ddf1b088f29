import { isHttpUrl, parseBasicAuth } from '@siphook/schema';
import {
  createWebhookHandler,
  sipgatePublicKey,
  type WebhookHandler,
  type WebhookResponseInput,
} from '@siphook/webhook';

/** Where the demo prompts live when `SIPHOOK_PROMPTS_URL` is not set (no local audio host on Workers). */
export const DEFAULT_PROMPTS_URL = 'https://prompts.example.com/siphook/';

/** The number the menu's "1" dials (the demo flow's). */
export const CONNECT_NUMBER = '4915799912345';

/** Reads one setting: `process.env`, `Deno.env.get` or a Worker's `env` binding. */
export type ReadSetting = (name: string) => string | undefined;

/** What the menu reads from its environment; every field is optional. */
export interface MenuSettings {
  /** Base URL of the prompts (`welcome.wav`, …); default {@link DEFAULT_PROMPTS_URL}. */
  promptsUrl?: string | undefined;
  /** A PEM public key trusted beside sipgate.io's own (`siphook simulate --sign-key`). */
  trustKey?: string | undefined;
  /** Where sipgate.io reaches this webhook; without it the `Host` header is used (development). */
  publicUrl?: string | undefined;
  /** Accept pushes only from these addresses or CIDR ranges, comma-separated (sipgate.io's). */
  allowList?: string | undefined;
  /** Require HTTP Basic auth, written `user:password`. */
  basicAuth?: string | undefined;
  /** Handler deadline in ms; default the webhook's 8000. */
  deadlineMs?: number | undefined;
  /** Digit 8 throws and digit 9 never answers: shows the fallback on each runtime (tests). */
  faults?: boolean | undefined;
}

/**
 * The menu's settings from environment variables, read the same way on every runtime:
 * `SIPHOOK_PROMPTS_URL`, `SIPHOOK_TRUST_KEY`, `SIPHOOK_PUBLIC_URL`, `SIPHOOK_ALLOW_LIST`,
 * `SIPHOOK_BASIC_AUTH`, `SIPHOOK_DEADLINE_MS`, `SIPHOOK_EXAMPLE_FAULTS=1`.
 */
export function readMenuSettings(read: ReadSetting): MenuSettings {
  const deadline = read('SIPHOOK_DEADLINE_MS');
  return {
    promptsUrl: read('SIPHOOK_PROMPTS_URL') || undefined,
    trustKey: read('SIPHOOK_TRUST_KEY') || undefined,
    publicUrl: read('SIPHOOK_PUBLIC_URL') || undefined,
    allowList: read('SIPHOOK_ALLOW_LIST') || undefined,
    basicAuth: read('SIPHOOK_BASIC_AUTH') || undefined,
    deadlineMs: deadline ? Number(deadline) : undefined,
    faults: read('SIPHOOK_EXAMPLE_FAULTS') === '1',
  };
}

/**
 * The demo menu (apps/server/flows/demo.yaml) as one fetch handler: "press 1 to be connected,
 * press 2 for the voicemail", one retry on no input or a wrong key, then goodbye. The same module
 * runs on Node, Deno, Bun, workerd and under Hono; only the few lines that listen differ.
 *
 * @example
 * const handler = createMenuHandler({ promptsUrl: 'https://cdn.example.com/prompts/' });
 * Deno.serve((request) => handler(request));
 */
export function createMenuHandler(settings: MenuSettings = {}): WebhookHandler {
  const promptsUrl = settings.promptsUrl ?? DEFAULT_PROMPTS_URL;
  if (!isHttpUrl(promptsUrl)) {
    const received = JSON.stringify(promptsUrl.slice(0, 80));
    throw new TypeError(
      `promptsUrl (SIPHOOK_PROMPTS_URL): expected an absolute http(s) URL; received ${received}`,
    );
  }
  const base = new URL(promptsUrl);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const prompt = (name: string) => ({ action: 'Play' as const, url: new URL(name, base).href });
  const menu = (): WebhookResponseInput => ({
    actions: [{ action: 'Gather', maxDigits: 1, timeout: 5000, play: prompt('welcome.wav') }],
  });
  return createWebhookHandler({
    publicUrl: settings.publicUrl,
    basicAuth:
      settings.basicAuth === undefined
        ? undefined
        : parseBasicAuth(settings.basicAuth, 'SIPHOOK_BASIC_AUTH'),
    trustHostHeader: settings.publicUrl === undefined,
    allowList:
      settings.allowList === undefined
        ? undefined
        : { addresses: settings.allowList.split(',').map((address) => address.trim()) },
    deadlineMs: settings.deadlineMs,
    signature: {
      publicKeys:
        settings.trustKey === undefined
          ? [sipgatePublicKey()]
          : [sipgatePublicKey(), settings.trustKey],
    },
    onNewCall: (_event, call) => {
      call.state.retries = 0;
      return menu();
    },
    onDtmf: async (event, call) => {
      if (settings.faults && event.dtmf === '8') throw new Error('the menu failed (digit 8)');
      if (settings.faults && event.dtmf === '9') await new Promise(() => {});
      if (event.dtmf === '1') {
        return {
          actions: [
            prompt('connecting.wav'),
            { action: 'Dial', target: { numbers: [CONNECT_NUMBER] } },
          ],
        };
      }
      if (event.dtmf === '2') {
        return {
          actions: [prompt('voicemail.wav'), { action: 'Dial', target: { voicemail: true } }],
        };
      }
      const retries = Number(call.state.retries ?? 0);
      if (retries >= 1) return { actions: [prompt('goodbye.wav'), { action: 'Hangup' }] };
      call.state.retries = retries + 1;
      return event.dtmf === ''
        ? menu()
        : { actions: [prompt('invalid.wav'), ...(menu().actions ?? [])] };
    },
  });
}

/**
 * The menu from the environment, for an entry that listens: a setting that cannot work (say a
 * `SIPHOOK_TRUST_KEY` that is no key) is printed, naming it, and ends the process with exit code 2
 * through `exit` instead of a stack trace.
 */
export function createMenuOrExit(read: ReadSetting, exit: (code: number) => never): WebhookHandler {
  try {
    return createMenuHandler(readMenuSettings(read));
  } catch (error) {
    console.error(`menu settings: ${error instanceof Error ? error.message : String(error)}`);
    return exit(2);
  }
}
