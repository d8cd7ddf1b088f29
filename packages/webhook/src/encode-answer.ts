import { type ResponseInput, SiphookError } from '@siphook/schema';
import type { CallbackUrls } from './callback-urls.js';
import { type CallbackWiring, wireCallbacks } from './wire-callbacks.js';

/** `@siphook/xml`'s encoder, loaded on first need (it is most of the package's start-up time). */
export type EncodeResponse = (model: ResponseInput) => string;

/** Turns handler results into the XML to answer; see {@link createAnswerEncoder}. */
export interface AnswerEncoder {
  /**
   * The XML for a handler result (nothing: `<Response/>`), callbacks wired.
   *
   * @throws {SiphookError} `RESPONSE_INVALID`, `CALLBACK_URL_UNKNOWN`, or `XML_TOO_LARGE` for a
   *   document larger than a decoder accepts.
   */
  encode(result: unknown, isNewCall: boolean, urls: CallbackUrls | undefined): string;
  /** The XML of the fallback; an empty `<Response/>` when the fallback itself cannot be used. */
  fallback(isNewCall: boolean, urls: CallbackUrls | undefined): string;
}

/** The answer for "nothing to say": `<Response/>`, with callbacks wired on a newCall. */
export const EMPTY_MODEL: ResponseInput = Object.freeze({ actions: Object.freeze([]) }) as never;
/** Stands for "no callback URLs" as a cache key. */
const NO_URLS: CallbackUrls = Object.freeze({ answer: '', hangup: '', dtmf: '' });

/** The XML of one frozen model per callback URLs, for a newCall push and for the others. */
interface EncodedPair {
  newCall?: string;
  other?: string;
}

/**
 * Builds the encoder. The XML of a deeply frozen result (a flow's shared responses, a constant)
 * cannot change, so it is encoded once per callback URLs and event kind; anything else is wired,
 * validated and encoded on every push. An answer larger than `maxBytes` (what `@siphook/xml`'s
 * decoder accepts, and so what the simulator and a strict reader would) is refused: sipgate.io
 * would get a document nobody checked it can read.
 */
export function createAnswerEncoder(
  encodeResponse: EncodeResponse,
  maxBytes: number,
  wiring: CallbackWiring,
  fallbackModel: unknown,
  onFallbackUnusable: (error: unknown) => void,
): AnswerEncoder {
  const frozen = new WeakMap<object, WeakMap<CallbackUrls, EncodedPair> | false>();
  const fallbacks = new WeakMap<CallbackUrls, EncodedPair>();

  const encodeFresh = (result: unknown, isNewCall: boolean, urls: CallbackUrls | undefined) => {
    const xml = encodeResponse(wireCallbacks(result, isNewCall, wiring, urls) as ResponseInput);
    checkSize(xml, maxBytes);
    return xml;
  };

  const encode = (result: unknown, isNewCall: boolean, urls: CallbackUrls | undefined): string => {
    const model = result ?? EMPTY_MODEL;
    if (typeof model !== 'object' || !Object.isFrozen(model)) {
      return encodeFresh(model, isNewCall, urls);
    }
    let byUrls = frozen.get(model);
    if (byUrls === undefined) {
      byUrls = isDeepFrozen(model, 0) ? new WeakMap() : false;
      frozen.set(model, byUrls);
    }
    if (byUrls === false) return encodeFresh(model, isNewCall, urls);
    let pair = byUrls.get(urls ?? NO_URLS);
    if (pair === undefined) {
      pair = {};
      byUrls.set(urls ?? NO_URLS, pair);
    }
    if (isNewCall) {
      pair.newCall ??= encodeFresh(model, true, urls);
      return pair.newCall;
    }
    pair.other ??= encodeFresh(model, false, urls);
    return pair.other;
  };

  const fallback = (isNewCall: boolean, urls: CallbackUrls | undefined): string => {
    let pair = fallbacks.get(urls ?? NO_URLS);
    if (pair === undefined) {
      pair = {};
      fallbacks.set(urls ?? NO_URLS, pair);
    }
    const known = isNewCall ? pair.newCall : pair.other;
    if (known !== undefined) return known;
    let xml: string;
    try {
      xml = encodeFresh(fallbackModel, isNewCall, urls);
    } catch (error) {
      // Checked when the handler was made; what is left is a Gather whose onData would come from
      // a request without a usable Host, or a fallback over the size limit.
      if (urls !== undefined || !isSiphookCode(error, 'CALLBACK_URL_UNKNOWN')) {
        onFallbackUnusable(error);
      }
      xml = encodeFresh(EMPTY_MODEL, isNewCall, urls);
    }
    if (isNewCall) pair.newCall = xml;
    else pair.other = xml;
    return xml;
  };

  return { encode, fallback };
}

function checkSize(xml: string, maxBytes: number): void {
  // A UTF-8 byte is at most 3 per UTF-16 unit: most answers are decided without counting.
  if (xml.length * 3 <= maxBytes) return;
  const bytes = utf8Length(xml);
  if (bytes > maxBytes) {
    throw new SiphookError(
      'XML_TOO_LARGE',
      `response: expected at most ${maxBytes} bytes of XML (what a decoder accepts); received ${bytes} bytes`,
      { bytes, maxBytes },
    );
  }
}

const encoder = new TextEncoder();

function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

function isSiphookCode(error: unknown, code: string): boolean {
  return error instanceof SiphookError && error.code === code;
}

/**
 * True for plain data that can never change: frozen objects and arrays (plain prototypes, no
 * getters or setters) all the way down, holding only primitives. Deeper than 16 levels counts as
 * changeable (a response is a few levels deep).
 */
function isDeepFrozen(value: unknown, depth: number): boolean {
  if (typeof value === 'function') return false;
  if (typeof value !== 'object' || value === null) return true;
  if (depth > 16 || !Object.isFrozen(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== Array.prototype && prototype !== null) {
    return false;
  }
  const descriptors = Object.getOwnPropertyDescriptors(value);
  for (const key of Reflect.ownKeys(descriptors)) {
    const descriptor = descriptors[key as string]!;
    if (descriptor.get !== undefined || descriptor.set !== undefined) return false;
    if (!isDeepFrozen(descriptor.value, depth + 1)) return false;
  }
  return true;
}
