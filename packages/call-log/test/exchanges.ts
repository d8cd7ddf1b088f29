import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeEvent, type ResponseInput, type WebhookEventInput } from '@siphook/schema';
import type { PushExchange } from '@siphook/webhook';
import { encodeResponse } from '@siphook/xml';

/** A push as the webhook would hand it over: a real form body and a real XML answer. */
export function exchange(
  event: WebhookEventInput,
  answer: ResponseInput | { status: number; body: string } = { actions: [] },
  extra: Partial<PushExchange> = {},
): PushExchange {
  const isError = 'status' in answer;
  return {
    receivedAt: Date.now(),
    method: 'POST',
    path: '/',
    remoteAddress: '127.0.0.1',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
      'user-agent': 'sipgate.io',
    },
    body: encodeEvent(event),
    status: isError ? answer.status : 200,
    contentType: isError ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8',
    answer: isError ? answer.body : encodeResponse(answer),
    durationMs: 4,
    signature: 'valid',
    basicAuth: 'unchecked',
    ...extra,
  };
}

/** The newCall of a call, with the contract's example numbers. */
export function newCall(
  callId: string,
  fields: Partial<WebhookEventInput> = {},
): WebhookEventInput {
  return {
    event: 'newCall',
    callId,
    from: '492111234567',
    to: '4915791234567',
    direction: 'in',
    user: ['Alice'],
    ...fields,
  } as WebhookEventInput;
}

/** A fresh folder for one test's files, removed by the returned function. */
export function temporaryFolder(): { folder: string; remove: () => void } {
  const folder = mkdtempSync(path.join(tmpdir(), 'siphook-call-log-'));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
