import { type Action, parseResponse } from '@siphook/schema';

// Stand-in until @siphook/xml's encodeResponse lands: validates with parseResponse, escapes all text.

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const NEEDS_ESCAPE = /[&<>"']/g;

function escapeXml(text: string): string {
  return text.replace(NEEDS_ESCAPE, (char) => ESCAPES[char]!);
}

function attribute(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : ` ${name}="${escapeXml(String(value))}"`;
}

function encodeAction(action: Action): string {
  switch (action.action) {
    case 'Play':
      return `<Play><Url>${escapeXml(action.url)}</Url></Play>`;
    case 'Gather':
      return `<Gather${attribute('onData', action.onData)}${attribute('maxDigits', action.maxDigits)}${attribute('timeout', action.timeout)}${action.play ? `>${encodeAction(action.play)}</Gather>` : '/>'}`;
    case 'Dial': {
      const targets =
        'voicemail' in action.target
          ? '<Voicemail/>'
          : action.target.numbers.map((number) => `<Number>${escapeXml(number)}</Number>`).join('');
      return `<Dial${attribute('callerId', action.callerId)}${attribute('anonymous', action.anonymous)}>${targets}</Dial>`;
    }
    case 'Reject':
      return `<Reject${attribute('reason', action.reason)}/>`;
    case 'Hangup':
      return '<Hangup/>';
  }
}

/** Validates a response model and writes it as XML. */
export function encodeResponse(model: unknown): string {
  const response = parseResponse(model);
  const attributes =
    attribute('onAnswer', response.onAnswer) + attribute('onHangup', response.onHangup);
  const body = response.actions.map(encodeAction).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response${attributes}${body === '' ? '/>' : `>${body}</Response>`}`;
}
