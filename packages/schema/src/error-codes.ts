/** What one error code means, and how each edge answers it. */
export interface ErrorCodeInfo {
  /** One sentence: what went wrong. */
  readonly meaning: string;
  /** The HTTP status a siphook server answers with, where a server answers with this code. */
  readonly status?: number;
  /** The CLI exit code: 1 for input that is not compliant, 2 for a usage or I/O error. */
  readonly exit: 1 | 2;
}

/**
 * Every code siphook reports, in one table (as fastify's `lib/errors.js`): errors it throws,
 * problems its checkers find, and the checks of a simulated call. Each edge maps codes from here
 * and nowhere else: a server to `status`, the CLI to `exit`. `docs/errors.md` lists them all.
 */
export const ERROR_CODES = {
  // Pushes and the webhook
  METHOD_NOT_ALLOWED: {
    meaning: 'The request method is not one the server answers.',
    status: 405,
    exit: 1,
  },
  CONTENT_TYPE_UNSUPPORTED: {
    meaning: 'The push body is not application/x-www-form-urlencoded.',
    status: 415,
    exit: 1,
  },
  BODY_TOO_LARGE: { meaning: 'A body is larger than the limit.', status: 413, exit: 1 },
  BODY_INCOMPLETE: {
    meaning: 'The client closed the request before the whole body arrived.',
    status: 400,
    exit: 2,
  },
  BODY_INVALID: {
    meaning: 'A push body is not a decodable form (bad percent-encoding or UTF-8).',
    status: 400,
    exit: 1,
  },
  EVENT_UNKNOWN: {
    meaning: 'A push names an event siphook does not know.',
    status: 400,
    exit: 1,
  },
  EVENT_INVALID: {
    meaning:
      'A push lacks event or callId, sends one twice with different values, or has a callId over 256 characters.',
    status: 400,
    exit: 1,
  },
  SIGNATURE_MISSING: {
    meaning: 'A push carries no X-Sipgate-Signature header while signatures are checked.',
    status: 401,
    exit: 1,
  },
  SIGNATURE_INVALID: {
    meaning: 'X-Sipgate-Signature does not verify against any trusted key.',
    status: 401,
    exit: 1,
  },
  BASIC_AUTH_INVALID: {
    meaning: 'A request lacks the configured Basic-auth credentials, or carries wrong ones.',
    status: 401,
    exit: 1,
  },
  ADDRESS_NOT_ALLOWED: {
    meaning: 'The source address is not on the allow-list.',
    status: 403,
    exit: 1,
  },
  REQUEST_INVALID: {
    meaning: 'A framework handed the adapter a request it cannot read.',
    status: 400,
    exit: 2,
  },
  WEBHOOK_BODY_CONSUMED: {
    meaning:
      'Middleware before the webhook consumed the raw body, so the signature cannot be checked.',
    status: 500,
    exit: 2,
  },
  CALLBACK_URL_UNKNOWN: {
    meaning: 'A callback URL was asked for that the handler does not serve.',
    exit: 2,
  },
  INTERNAL_ERROR: {
    meaning: 'An unexpected error inside a server; it is logged with its cause.',
    status: 500,
    exit: 2,
  },

  // Fields of pushes, options and models (the code of each issue in details.issues)
  FIELD_REQUIRED: { meaning: 'A required field is missing.', exit: 1 },
  FIELD_INVALID: { meaning: 'A field has a value outside what the contract allows.', exit: 1 },
  FIELD_UNKNOWN: { meaning: 'A field is not part of the model (strict objects only).', exit: 1 },
  FIELD_REPEATED: { meaning: 'A single-valued field appears more than once.', exit: 1 },
  FIELD_TOO_LONG: {
    meaning: 'A push value is longer than EVENT_LIMITS allows; it was dropped (a warning).',
    exit: 1,
  },
  FIELD_TOO_MANY: {
    meaning:
      'A push has more list entries or unknown fields than EVENT_LIMITS allows; the rest were dropped (a warning).',
    exit: 1,
  },

  // Response model and XML
  RESPONSE_INVALID: {
    meaning: 'A response model breaks the contract (see details.issues).',
    exit: 1,
  },
  XML_MALFORMED: {
    meaning:
      'The document is not well-formed XML, or not in its declared encoding (the parser reports the position).',
    exit: 1,
  },
  XML_DOCTYPE: {
    meaning: 'A DOCTYPE or entity declaration, refused before any expansion.',
    exit: 1,
  },
  XML_ENCODING: {
    meaning:
      'The XML declaration names an encoding other than UTF-8, ISO-8859-1 or US-ASCII, or contradicts a UTF-8 byte order mark.',
    exit: 1,
  },
  XML_ROOT: {
    meaning: 'The root element is not <Response>, is missing, or there is more than one.',
    exit: 1,
  },
  XML_TOO_LARGE: { meaning: 'The document is larger than maxBytes.', exit: 1 },
  XML_TOO_DEEP: { meaning: 'Elements are nested deeper than maxDepth.', exit: 1 },
  XML_CHARACTER: { meaning: 'Text holds a character XML 1.0 cannot carry.', exit: 1 },
  XML_UNKNOWN_ELEMENT: {
    meaning: 'An element that is not part of the sipgate.io response format.',
    exit: 1,
  },
  XML_UNEXPECTED_ELEMENT: {
    meaning: 'A known element in a place where it is not allowed.',
    exit: 1,
  },
  XML_UNKNOWN_ATTRIBUTE: {
    meaning: 'An attribute the element does not have.',
    exit: 1,
  },
  XML_UNEXPECTED_TEXT: { meaning: 'Text inside an element that holds only elements.', exit: 1 },
  XML_MISSING: { meaning: 'A required attribute or element is missing.', exit: 1 },
  XML_DUPLICATE: { meaning: 'An element that may appear only once appears again.', exit: 1 },
  XML_VALUE_INVALID: {
    meaning: 'An attribute value or element text outside what the response model allows.',
    exit: 1,
  },
  XML_INVALID: {
    meaning: 'The document is not a valid <Response> (see details.problems).',
    exit: 1,
  },
  XML_TOO_MANY_PROBLEMS: {
    meaning: 'More than 100 problems: the first 100 are listed, then their count.',
    exit: 1,
  },

  // WAV files (problems found by inspectWav / checkPlayable, and conversion errors)
  WAV_NOT_RIFF: { meaning: 'The file does not start with a RIFF header.', exit: 1 },
  WAV_NOT_WAVE: { meaning: 'The RIFF file is not of form WAVE.', exit: 1 },
  WAV_RIFX: { meaning: 'The file is big-endian RIFX, which sipgate.io does not play.', exit: 1 },
  WAV_RF64: { meaning: 'The file is RF64, which sipgate.io does not play.', exit: 1 },
  WAV_HEADER_INCOMPLETE: { meaning: 'The file ends inside its header.', exit: 1 },
  WAV_CHUNK_INVALID: {
    meaning: 'A chunk header is unreadable or runs past the end of the file.',
    exit: 1,
  },
  WAV_CHUNK_UNPADDED: { meaning: 'An odd-sized chunk lacks its pad byte.', exit: 1 },
  WAV_TOO_MANY_CHUNKS: { meaning: 'More chunks precede the audio than the reader walks.', exit: 1 },
  WAV_NO_FMT: { meaning: 'There is no "fmt " chunk.', exit: 1 },
  WAV_FMT_INVALID: { meaning: 'The "fmt " chunk is too short or inconsistent.', exit: 1 },
  WAV_FMT_AFTER_DATA: { meaning: 'The "fmt " chunk comes after the data chunk.', exit: 1 },
  WAV_NO_DATA: { meaning: 'There is no data chunk.', exit: 1 },
  WAV_EMPTY_DATA: { meaning: 'The data chunk holds no samples.', exit: 1 },
  WAV_DATA_SIZE_UNKNOWN: {
    meaning: 'The data chunk declares an unknown size (streaming header).',
    exit: 1,
  },
  WAV_TRUNCATED: { meaning: 'The file or body ends before the declared data does.', exit: 1 },
  WAV_STALLED: { meaning: 'The body stops arriving after the WAV header.', exit: 1 },
  WAV_PARTIAL_FRAME: { meaning: 'The data size is not a whole number of sample frames.', exit: 1 },
  WAV_FORMAT_TAG: { meaning: 'The audio is not PCM (format tag 1).', exit: 1 },
  WAV_EXTENSIBLE: {
    meaning: 'The file uses WAVE_FORMAT_EXTENSIBLE, which sipgate.io does not play.',
    exit: 1,
  },
  WAV_CHANNELS: { meaning: 'The file is not mono.', exit: 1 },
  WAV_SAMPLE_RATE: { meaning: 'The sample rate is not 8000 Hz.', exit: 1 },
  WAV_BITS: { meaning: 'The samples are not 16-bit.', exit: 1 },
  WAV_BLOCK_ALIGN: { meaning: 'blockAlign does not match mono 16-bit PCM.', exit: 1 },
  WAV_BYTE_RATE: { meaning: 'byteRate does not match 8000 Hz mono 16-bit PCM.', exit: 1 },
  WAV_SILENT: { meaning: 'The audio is silent.', exit: 1 },
  WAV_NO_AUDIO: { meaning: 'The input holds no audio stream.', exit: 1 },
  WAV_TOO_LONG: { meaning: 'The audio is longer than the limit.', exit: 1 },
  WAV_UNSUPPORTED_FORMAT: { meaning: 'The input is in a format siphook cannot decode.', exit: 1 },
  WAV_SOURCE_INVALID: {
    meaning: 'The source given to the WAV reader is not a path, buffer or stream.',
    exit: 2,
  },
  WAV_READ_FAILED: { meaning: 'A file or stream could not be read.', exit: 2 },
  WAV_WRITE_FAILED: { meaning: 'The output could not be written.', exit: 2 },
  WAV_NO_FILES: { meaning: 'A folder holds no file to check or convert.', exit: 2 },
  WAV_WORKER_FAILED: { meaning: 'A conversion worker thread died; only its job failed.', exit: 2 },
  CONVERT_ABORTED: { meaning: 'A conversion was cancelled.', exit: 2 },
  CONVERT_OUTPUT_INVALID: {
    meaning:
      'A conversion produced output that is not playable, or whose duration or level disagrees with the source (a decoder fault).',
    exit: 1,
  },
  FFMPEG_NOT_FOUND: { meaning: 'No ffmpeg binary was found.', exit: 2 },
  FFMPEG_PATH: { meaning: 'The configured ffmpeg path is not runnable.', exit: 2 },
  FFMPEG_FAILED: { meaning: 'ffmpeg exited with an error.', exit: 1 },

  // Prompts from text (@siphook/tts, siphook tts, say: in flows)
  TTS_TEXT_INVALID: {
    meaning: 'A text to speak is empty, longer than 2000 characters or holds control characters.',
    exit: 1,
  },
  TTS_ENGINE_NOT_FOUND: {
    meaning: 'The speech engine (program or npm package) is not installed.',
    exit: 2,
  },
  TTS_VOICE_UNKNOWN: { meaning: 'The speech engine has no voice of that name.', exit: 2 },
  TTS_ENGINE_FAILED: {
    meaning: 'The speech engine failed, or wrote nothing or no usable audio.',
    exit: 2,
  },
  TTS_ENGINE_TIMEOUT: {
    meaning: 'The speech engine ran past its time limit and was stopped.',
    exit: 2,
  },

  // Play URLs (checkUrl)
  URL_INVALID: { meaning: 'A URL is not an absolute http(s) URL.', exit: 1 },
  URL_UNREACHABLE: {
    meaning: 'The URL could not be fetched (DNS, connection or TLS error).',
    exit: 1,
  },
  URL_TIMEOUT: { meaning: 'The URL did not answer within the time limit.', exit: 1 },
  URL_STATUS: { meaning: 'The URL answered with a status other than 200 or 206.', exit: 1 },
  URL_CONTENT_TYPE: { meaning: 'The URL answered with a Content-Type that is not audio.', exit: 1 },
  URL_CONTENT_RANGE: {
    meaning: 'A 206 answer has a Content-Range that does not match the request.',
    exit: 1,
  },
  URL_LENGTH_UNKNOWN: { meaning: 'The answer gives no Content-Length.', exit: 1 },
  URL_LENGTH_MISMATCH: { meaning: 'Content-Length disagrees with the WAV header.', exit: 1 },
  URL_BODY: { meaning: 'The body could not be read.', exit: 1 },
  URL_REDIRECT_INVALID: { meaning: 'A redirect has no usable Location.', exit: 1 },
  URL_REDIRECT_LOOP: { meaning: 'Redirects return to a URL already visited.', exit: 1 },
  URL_TOO_MANY_REDIRECTS: { meaning: 'More redirects than the limit.', exit: 1 },

  // Audio host
  AUDIO_ROOT_INVALID: { meaning: 'The audio root is not a readable folder.', exit: 2 },
  AUDIO_OUTSIDE_ROOT: { meaning: 'A path leads outside the audio root.', status: 404, exit: 1 },
  AUDIO_NOT_A_FILE: { meaning: 'A path names something other than a regular file.', exit: 1 },
  AUDIO_NAME_TAKEN: { meaning: 'Two prompts would be served under one name.', exit: 1 },
  AUDIO_NAME_UNSERVABLE: {
    meaning: 'A file name cannot be served as a URL path segment.',
    exit: 1,
  },
  AUDIO_TOO_LARGE: { meaning: 'A prompt file is larger than the limit.', exit: 1 },
  AUDIO_READ_FAILED: { meaning: 'A prompt file could not be read.', exit: 2 },
  AUDIO_CONVERT_FAILED: { meaning: 'A prompt could not be converted to a playable WAV.', exit: 1 },
  AUDIO_PROMPT_UNKNOWN: { meaning: 'No prompt of that name is served.', status: 404, exit: 1 },
  AUDIO_PATH_INVALID: {
    meaning:
      'A request path the audio host refuses: dot segments, encoded separators, control bytes.',
    status: 400,
    exit: 1,
  },
  AUDIO_SIGNATURE_INVALID: {
    meaning: 'A signed audio URL lacks its exp and sig, or they are malformed or do not verify.',
    status: 403,
    exit: 1,
  },
  AUDIO_SIGNATURE_EXPIRED: { meaning: 'A signed audio URL has expired.', status: 403, exit: 1 },
  AUDIO_FILE_CHANGED: {
    meaning: 'A prompt file changed or went away since it was checked; a rescan follows.',
    status: 503,
    exit: 2,
  },
  PRECONDITION_FAILED: {
    meaning: 'If-Match or If-Unmodified-Since does not hold for the current version.',
    status: 412,
    exit: 1,
  },
  RANGE_NOT_SATISFIABLE: {
    meaning: 'A Range header selects nothing in the file.',
    status: 416,
    exit: 1,
  },

  // Shared call state (@siphook/redis-store) and prompts in object storage (@siphook/s3-prompts)
  STORE_UNAVAILABLE: {
    meaning:
      'The call store (Redis) cannot be reached: the connection was refused, lost or timed out.',
    exit: 2,
  },
  STORE_FAILED: {
    meaning:
      'The call store answered a command with an error, or holds call state that is not a JSON object.',
    exit: 2,
  },
  STORE_LOCKED: {
    meaning: 'Another push of the same call held its state longer than the lock wait allows.',
    exit: 2,
  },
  STORE_LEASE_EXPIRED: {
    meaning: "A handler held a call's state past its lease, so its changes were not saved.",
    exit: 2,
  },
  PACKAGE_MISSING: {
    meaning: 'An optional package that a command needs is not installed.',
    exit: 2,
  },
  PUBLISH_CREDENTIALS: {
    meaning: 'No credentials for object storage were found in the standard AWS chain.',
    exit: 2,
  },
  PUBLISH_UPLOAD_FAILED: {
    meaning:
      'A prompt could not be uploaded to object storage; its manifest entry is kept as it was.',
    exit: 1,
  },
  PUBLISH_CHECK_FAILED: {
    meaning:
      "A published prompt's public URL does not serve a playable WAV; its manifest entry is kept as it was.",
    exit: 1,
  },

  // Configuration, options and files
  OPTIONS_INVALID: {
    meaning: 'An option, setting or environment variable has an invalid value.',
    exit: 2,
  },
  CONFIG_READ: {
    meaning: 'A file named in the configuration (key, certificate) could not be read.',
    exit: 2,
  },
  LISTEN_FAILED: { meaning: 'The server could not listen on the address and port.', exit: 2 },
  IO_ERROR: { meaning: 'A file could not be read or written.', exit: 2 },
  FLOW_READ: { meaning: 'The flow file could not be read.', exit: 2 },
  FLOW_SYNTAX: { meaning: 'The flow file is not valid YAML.', exit: 1 },
  FLOW_INVALID: { meaning: 'The flow breaks its schema or rules.', exit: 1 },
  FLOW_TOO_LARGE: { meaning: 'The flow file is larger than the limit.', exit: 1 },
  FLOW_UNREACHABLE: { meaning: 'A step of the flow can never run.', exit: 1 },
  FLOW_BRANCH_UNREACHABLE: { meaning: 'A branch of a menu can never be taken.', exit: 1 },
  FLOW_RETRY_OUTSIDE_GATHER: { meaning: 'A retry stands outside a gather.', exit: 1 },
  FLOW_PROMPT_MISSING: { meaning: 'A prompt the flow plays does not exist.', exit: 1 },

  // Call log and inspector
  CALL_LOG_INVALID: {
    meaning:
      'The call log file is not a readable SQLite database, is corrupt, belongs to another program or to a newer siphook.',
    exit: 2,
  },
  CALL_UNKNOWN: { meaning: 'No call with that callId is in the call log.', status: 404, exit: 2 },
  QUERY_INVALID: {
    meaning: 'A query parameter of the inspector API is malformed.',
    status: 400,
    exit: 2,
  },
  ROUTE_UNKNOWN: { meaning: 'No inspector page or API route at that path.', status: 404, exit: 2 },
  INSPECT_AUTH_INVALID: {
    meaning:
      'A request to the inspector lacks the --inspect-auth credentials or token, or carries wrong ones.',
    status: 401,
    exit: 1,
  },

  // Simulator: scenarios, keys and the pushes it sends
  SCENARIO_INVALID: { meaning: 'A scenario file breaks its schema.', exit: 1 },
  SCENARIO_READ_FAILED: { meaning: 'A scenario file could not be read.', exit: 2 },
  TARGET_INVALID: { meaning: 'The target is not an absolute http(s) URL.', exit: 2 },
  SIGN_KEY_INVALID: { meaning: 'The signing key is not an RSA private key in PEM.', exit: 2 },
  KEY_EXISTS: { meaning: 'A key file already exists and would be overwritten.', exit: 2 },
  KEY_WRITE_FAILED: { meaning: 'A key file could not be written.', exit: 2 },
  CONNECTION_REFUSED: { meaning: 'The target refused the connection.', exit: 1 },
  CONNECTION_DROPPED: { meaning: 'The target closed the connection before answering.', exit: 1 },
  HOST_NOT_FOUND: { meaning: "The target's host name does not resolve.", exit: 1 },
  REQUEST_FAILED: { meaning: 'A request to the target failed for another reason.', exit: 1 },
  TIMEOUT: { meaning: 'The target did not answer within the time limit.', exit: 1 },

  // Simulator: checks of a simulated call and of --probe
  CONNECTION: { meaning: 'Check: the push reached the server.', exit: 1 },
  DEADLINE: { meaning: "Check: the server answered within sipgate.io's 10 s limit.", exit: 1 },
  STATUS: { meaning: 'Check: the server answered 200.', exit: 1 },
  CONTENT_TYPE: { meaning: 'Check: the answer is application/xml or text/xml.', exit: 1 },
  PLAY_AUDIO: { meaning: 'Check: a Play URL serves a playable WAV.', exit: 1 },
  LOOP: { meaning: 'Check: the call did not loop past the step limit.', exit: 1 },
  CALL_TIMEOUT: { meaning: 'Check: the whole call ended within its time limit.', exit: 1 },
  EXPECT_PLAYS: { meaning: 'Check: the call played what the scenario expects.', exit: 1 },
  EXPECT_GATHERS: { meaning: 'Check: the call gathered as the scenario expects.', exit: 1 },
  EXPECT_DIALS: { meaning: 'Check: the call dialled what the scenario expects.', exit: 1 },
  EXPECT_REJECTS: { meaning: 'Check: the call was rejected as the scenario expects.', exit: 1 },
  EXPECT_CONTINUES: { meaning: 'Check: the call went on as the scenario expects.', exit: 1 },
  EXPECT_HANGUP_CAUSE: { meaning: 'Check: the call ended with the expected cause.', exit: 1 },
  PROBE_SIGNED: { meaning: 'Probe: the server accepts a correctly signed push.', exit: 1 },
  PROBE_SIGNATURE: { meaning: 'Probe: the server refuses an unsigned or tampered push.', exit: 1 },
  PROBE_BASIC_AUTH: { meaning: 'Probe: the server refuses a push without Basic auth.', exit: 1 },
  PROBE_MALFORMED: {
    meaning: 'Probe: the server answers a malformed push with 4xx and stays up.',
    exit: 1,
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Every code siphook reports; an unknown code is a compile error. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is one of {@link ERROR_CODES}. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** The HTTP status a server answers `code` with; 500 for codes no server answers. */
export function httpStatusOf(code: ErrorCode): number {
  const info: ErrorCodeInfo = ERROR_CODES[code];
  return info.status ?? 500;
}

/** The CLI exit code for `code`: 1 (input not compliant) or 2 (usage or I/O). */
export function exitCodeOf(code: ErrorCode): 1 | 2 {
  return ERROR_CODES[code].exit;
}
