// The `@siphook/schema/errors` entry: the error class, the code table and the JSON error shape,
// without the zod schemas, for edges that only map errors.
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorCodeInfo,
  exitCodeOf,
  httpStatusOf,
  isErrorCode,
} from './error-codes.js';
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
