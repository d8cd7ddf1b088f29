export {
  type BuilderAction,
  type DialInput,
  type DialOptions,
  type DialTargetInput,
  dial,
  type GatherDraft,
  type GatherInput,
  type GatherOptions,
  gather,
  type HangupInput,
  hangup,
  type PlayInput,
  play,
  type RejectInput,
  type ResponseAttributes,
  type ResponseDraft,
  type ResponseOf,
  reject,
  response,
} from './build-response.js';
export {
  type CheckResult,
  checkResponse,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  type DecodeOptions,
  decodeResponse,
} from './decode-response.js';
export { type EncodeOptions, encodeResponse, type ResponseIssue } from './encode-response.js';
export { type EscapeXmlOptions, escapeXml, isXmlText } from './escape-xml.js';
export { toXmlPath } from './xml-path.js';
export {
  MAX_LISTED_PROBLEMS,
  type XmlProblem,
  type XmlProblemCode,
} from './xml-problem.js';
