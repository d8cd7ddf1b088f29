import {
  createIssue,
  type Issue,
  isSiphookError,
  parseResponse,
  type Response,
  type ResponseInput,
  SiphookError,
  summarizeIssues,
} from '@siphook/schema';
import { isXmlText } from './escape-xml.js';
import { writeResponse } from './write-response.js';
import { toXmlPath } from './xml-path.js';

/** Options of {@link encodeResponse}. */
export interface EncodeOptions {
  /** Lay the XML out like the contract's examples: one element per line, tab-indented. */
  pretty?: boolean;
}

/** An issue of an invalid model, with the element path of the XML it would have become. */
export interface ResponseIssue extends Issue {
  /** Where in the XML: `/Response/Gather[1]/@onData`. */
  xmlPath: string;
}

function withXmlPaths(issues: readonly Issue[], model: unknown): ResponseIssue[] {
  return issues.map((issue) => {
    const xmlPath = toXmlPath(issue.path, model);
    return {
      ...issue,
      xmlPath,
      message: issue.message.replace(issue.path, `${issue.path} (${xmlPath})`),
    };
  });
}

function invalid(issues: ResponseIssue[]): SiphookError {
  return new SiphookError('RESPONSE_INVALID', summarizeIssues('response is invalid:', issues), {
    issues,
  });
}

/** Every string of a validated response with its model path, to name one XML cannot hold. */
function* stringsOf(response: Response): Generator<[string, string]> {
  if (response.onAnswer !== undefined) yield ['onAnswer', response.onAnswer];
  if (response.onHangup !== undefined) yield ['onHangup', response.onHangup];
  for (const [i, action] of response.actions.entries()) {
    const at = `actions[${i}]`;
    if (action.action === 'Play') yield [`${at}.url`, action.url];
    if (action.action === 'Gather') {
      yield [`${at}.onData`, action.onData];
      if (action.play !== undefined) yield [`${at}.play.url`, action.play.url];
    }
    if (action.action === 'Dial') {
      if (action.callerId !== undefined) yield [`${at}.callerId`, action.callerId];
      if ('numbers' in action.target) {
        for (const [j, number] of action.target.numbers.entries()) {
          yield [`${at}.target.numbers[${j}]`, number];
        }
      }
    }
  }
}

/**
 * Validates a response model and writes it as sipgate.io XML: always well-formed, every value
 * escaped, attributes in a fixed order, `<?xml version="1.0" encoding="UTF-8"?>` first.
 *
 * @throws {SiphookError} `RESPONSE_INVALID` when the model breaks the contract; `details.issues`
 *   name each model path, its XML path (`xmlPath`), the expectation and what was received.
 * @example
 * encodeResponse({ actions: [{ action: 'Hangup' }] })
 * // '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>'
 */
export function encodeResponse(model: ResponseInput, options: EncodeOptions = {}): string {
  const pretty = options.pretty === true;
  let response: Response;
  try {
    response = parseResponse(model);
  } catch (error) {
    if (isSiphookError(error, 'RESPONSE_INVALID')) throw invalid(withXmlPaths(error.issues, model));
    throw error;
  }
  try {
    return writeResponse(response, pretty);
  } catch (error) {
    if (!isSiphookError(error, 'XML_CHARACTER')) throw error;
    // A URL may hold U+FFFF or a lone surrogate, which no XML document can carry.
    const issues: Issue[] = [];
    for (const [path, value] of stringsOf(response)) {
      if (!isXmlText(value)) {
        issues.push(createIssue('FIELD_INVALID', path, 'only characters XML 1.0 allows', value));
      }
    }
    throw invalid(withXmlPaths(issues, model));
  }
}
