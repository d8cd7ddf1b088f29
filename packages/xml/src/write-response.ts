import type { Action, PlayAction, Response } from '@siphook/schema';
import { escapeXml } from './escape-xml.js';

/** The XML declaration every response starts with. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** Line break, indentation by depth and empty-element close for one output style. */
interface Layout {
  newline: string;
  indent: readonly string[];
  selfClose: string;
}

const COMPACT: Layout = { newline: '', indent: ['', '', '', ''], selfClose: '/>' };
// The contract's own examples: tab indentation, `<Hangup />` with a space before the slash.
const PRETTY: Layout = { newline: '\n', indent: ['', '\t', '\t\t', '\t\t\t'], selfClose: ' />' };

function writePlay(play: PlayAction, depth: number, layout: Layout): string {
  const { newline, indent } = layout;
  return (
    `${indent[depth]}<Play>${newline}` +
    `${indent[depth + 1]}<Url>${escapeXml(play.url)}</Url>${newline}` +
    `${indent[depth]}</Play>${newline}`
  );
}

function writeAction(action: Action, layout: Layout): string {
  const { newline, indent, selfClose } = layout;
  const tab = indent[1];
  switch (action.action) {
    case 'Play':
      return writePlay(action, 1, layout);
    case 'Gather': {
      // `type` has one possible value and the contract's examples leave it out.
      const open =
        `${tab}<Gather onData="${escapeXml(action.onData)}"` +
        ` maxDigits="${action.maxDigits}" timeout="${action.timeout}"`;
      if (action.play === undefined) return `${open}${selfClose}${newline}`;
      return `${open}>${newline}${writePlay(action.play, 2, layout)}${tab}</Gather>${newline}`;
    }
    case 'Dial': {
      let out = `${tab}<Dial`;
      if (action.callerId !== undefined) out += ` callerId="${escapeXml(action.callerId)}"`;
      if (action.anonymous !== undefined) out += ` anonymous="${action.anonymous}"`;
      out += `>${newline}`;
      const inner = indent[2];
      if ('voicemail' in action.target) out += `${inner}<Voicemail${selfClose}${newline}`;
      else {
        for (const number of action.target.numbers) {
          out += `${inner}<Number>${escapeXml(number)}</Number>${newline}`;
        }
      }
      return `${out}${tab}</Dial>${newline}`;
    }
    case 'Reject':
      return `${tab}<Reject reason="${action.reason}"${selfClose}${newline}`;
    case 'Hangup':
      return `${tab}<Hangup${selfClose}${newline}`;
  }
}

/**
 * Writes a validated response as XML: the declaration, then `<Response>` with attributes in a
 * fixed order (onAnswer, onHangup; callerId, anonymous; onData, maxDigits, timeout; reason).
 * Every string goes through {@link escapeXml}. Pretty output is laid out like the contract's
 * examples and ends with a newline; compact output has no whitespace between elements.
 */
export function writeResponse(response: Response, pretty = false): string {
  const layout = pretty ? PRETTY : COMPACT;
  const { newline } = layout;
  let out = `${XML_DECLARATION}${newline}<Response`;
  if (response.onAnswer !== undefined) out += ` onAnswer="${escapeXml(response.onAnswer)}"`;
  if (response.onHangup !== undefined) out += ` onHangup="${escapeXml(response.onHangup)}"`;
  if (response.actions.length === 0) return `${out}${layout.selfClose}${newline}`;
  out += `>${newline}`;
  for (const action of response.actions) out += writeAction(action, layout);
  return `${out}</Response>${newline}`;
}
