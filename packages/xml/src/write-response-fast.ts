import { escapeXml } from './escape-xml.js';
import { isCount, isE164, isHttpUrlFast, isObject } from './parse-response-fast.js';
import { XML_DECLARATION } from './write-response.js';

// The compact encoder's hot path: checks the model by the same rules as `parseResponseFast` and
// writes it in the same pass, reading every property once, so no validated copy is allocated.
// It returns `undefined` whenever it is not certain, and `encodeResponse` then takes the full
// road (`parseResponse` + `writeResponse`). A property test holds it to writing exactly what that
// road writes, for every input it accepts.

function writePlay(input: unknown): string | undefined {
  if (!isObject(input)) return undefined;
  for (const key in input) if (key !== 'action' && key !== 'url') return undefined;
  const url = input.url;
  if (input.action !== 'Play' || !isHttpUrlFast(url)) return undefined;
  return `<Play><Url>${escapeXml(url)}</Url></Play>`;
}

function writeGather(input: Record<string, unknown>): string | undefined {
  for (const key in input) {
    if (
      key !== 'action' &&
      key !== 'type' &&
      key !== 'onData' &&
      key !== 'maxDigits' &&
      key !== 'timeout' &&
      key !== 'play'
    )
      return undefined;
  }
  const { type, onData, maxDigits = 1, timeout = 2000, play } = input;
  if (type !== undefined && type !== 'dtmf') return undefined;
  if (!isHttpUrlFast(onData) || !isCount(maxDigits) || !isCount(timeout)) return undefined;
  const open = `<Gather onData="${escapeXml(onData)}" maxDigits="${maxDigits}" timeout="${timeout}"`;
  if (play === undefined) return `${open}/>`;
  const inner = writePlay(play);
  return inner === undefined ? undefined : `${open}>${inner}</Gather>`;
}

function writeDial(input: Record<string, unknown>): string | undefined {
  for (const key in input) {
    if (key !== 'action' && key !== 'callerId' && key !== 'anonymous' && key !== 'target')
      return undefined;
  }
  const { callerId, anonymous, target } = input;
  let out = '<Dial';
  if (callerId !== undefined) {
    if (!isE164(callerId)) return undefined;
    out += ` callerId="${escapeXml(callerId)}"`;
  }
  if (anonymous !== undefined) {
    if (typeof anonymous !== 'boolean') return undefined;
    out += ` anonymous="${anonymous}"`;
  }
  if (!isObject(target)) return undefined;
  let keys = 0;
  for (const _ in target) keys++;
  if (keys !== 1) return undefined;
  if (target.voicemail === true) return `${out}><Voicemail/></Dial>`;
  const numbers = target.numbers;
  if (!Array.isArray(numbers) || numbers.length < 1 || numbers.length > 5) return undefined;
  out += '>';
  for (let i = 0; i < numbers.length; i++) {
    const number: unknown = numbers[i];
    if (!isE164(number)) return undefined;
    out += `<Number>${escapeXml(number)}</Number>`;
  }
  return `${out}</Dial>`;
}

function writeAction(input: unknown): string | undefined {
  if (!isObject(input)) return undefined;
  switch (input.action) {
    case 'Play':
      return writePlay(input);
    case 'Gather':
      return writeGather(input);
    case 'Dial':
      return writeDial(input);
    case 'Reject': {
      for (const key in input) if (key !== 'action' && key !== 'reason') return undefined;
      const reason = input.reason ?? 'rejected';
      if (reason !== 'rejected' && reason !== 'busy') return undefined;
      return `<Reject reason="${reason}"/>`;
    }
    case 'Hangup':
      for (const key in input) if (key !== 'action') return undefined;
      return '<Hangup/>';
    default:
      return undefined;
  }
}

/**
 * Writes a response model as compact XML if it is certainly valid, checking while writing;
 * `undefined` means "not sure" (invalid, or unusual), never "invalid".
 */
export function writeResponseFast(input: unknown): string | undefined {
  if (!isObject(input)) return undefined;
  for (const key in input) {
    if (key !== 'onAnswer' && key !== 'onHangup' && key !== 'actions') return undefined;
  }
  const { onAnswer, onHangup, actions = [] } = input;
  let out = `${XML_DECLARATION}<Response`;
  if (onAnswer !== undefined) {
    if (!isHttpUrlFast(onAnswer)) return undefined;
    out += ` onAnswer="${escapeXml(onAnswer)}"`;
  }
  if (onHangup !== undefined) {
    if (!isHttpUrlFast(onHangup)) return undefined;
    out += ` onHangup="${escapeXml(onHangup)}"`;
  }
  if (!Array.isArray(actions)) return undefined;
  if (actions.length === 0) return `${out}/>`;
  out += '>';
  for (let i = 0; i < actions.length; i++) {
    const action = writeAction(actions[i]);
    if (action === undefined) return undefined;
    out += action;
  }
  return `${out}</Response>`;
}
