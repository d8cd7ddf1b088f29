export {
  type BasicAuthCheck,
  type BasicAuthCredentials,
  BasicAuthCredentialsSchema,
  basicAuthIssues,
  basicAuthorization,
  createBasicAuthCheck,
  parseBasicAuth,
  timingSafeEqual,
} from './basic-auth.js';
export { decodeEvent } from './decode-event.js';
export { decodeForm, type FormBody, type FormField } from './decode-form.js';
export { encodeEvent, type WebhookEventInput } from './encode-event.js';
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorCodeInfo,
  exitCodeOf,
  httpStatusOf,
  isErrorCode,
} from './error-codes.js';
export {
  type AnswerEvent,
  AnswerEventSchema,
  CallIdSchema,
  type DtmfEvent,
  DtmfEventSchema,
  EVENT_LIMITS,
  EVENT_NAMES,
  EVENT_SCHEMAS,
  type EventName,
  type HangupCause,
  type HangupEvent,
  HangupEventSchema,
  isKnownHangupCause,
  KNOWN_HANGUP_CAUSES,
  type KnownHangupCause,
  type NewCallEvent,
  NewCallEventSchema,
  type WebhookEvent,
  WebhookEventSchema,
} from './events.js';
export { HTTP_URL_EXPECTED, type HttpUrlOptions, HttpUrlSchema, isHttpUrl } from './http-url.js';
export { type E164Options, E164Schema, isE164 } from './phone-number.js';
export {
  type Action,
  type ActionInput,
  ActionSchema,
  type DialAction,
  DialActionSchema,
  type DialTarget,
  DialTargetSchema,
  GATHER_DEFAULTS,
  type GatherAction,
  GatherActionSchema,
  type HangupAction,
  HangupActionSchema,
  type PlayAction,
  PlayActionSchema,
  parseResponse,
  type RejectAction,
  RejectActionSchema,
  type Response,
  type ResponseInput,
  ResponseSchema,
} from './response.js';
export {
  createIssue,
  describeReceived,
  type ErrorBody,
  errorBody,
  type Issue,
  isSiphookError,
  SiphookError,
  type SiphookErrorDetails,
  summarizeIssues,
} from './siphook-error.js';
export { formatPath, fromZodIssues } from './zod-issues.js';
