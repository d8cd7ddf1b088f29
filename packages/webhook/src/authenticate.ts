import { type BasicAuthCheck, createBasicAuthCheck } from '@siphook/schema';
import { createSourceAddressCheck, type SourceAddressCheck } from './check-source-address.js';
import {
  ADDRESS_NOT_ALLOWED,
  BASIC_AUTH_REQUIRED,
  type Refusal,
  SIGNATURE_INVALID,
  SIGNATURE_MISSING,
} from './push-answers.js';
import { sipgatePublicKey } from './sipgate-public-key.js';
import { createSignatureVerifier, type SignatureVerifier } from './verify-signature.js';
import type { WebhookOptions } from './webhook-options.js';

/** Decides whether a push may pass: undefined when it may, the refusal when not. */
export type Authenticate = (
  request: Request,
  body: Uint8Array,
  remoteAddress: string | undefined,
) => Promise<Refusal | undefined>;

/**
 * Builds the checks the options ask for, once: allow-list (403), Basic auth (401), then the
 * signature (401), cheapest first, so a stranger never costs an RSA verification. Undefined when
 * the options ask for none.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for a key or allow-list entry that cannot work.
 */
export function createAuthenticate(options: WebhookOptions): Authenticate | undefined {
  const checkAddress: SourceAddressCheck | undefined = options.allowList
    ? createSourceAddressCheck(options.allowList)
    : undefined;
  const checkBasicAuth: BasicAuthCheck | undefined = options.basicAuth
    ? createBasicAuthCheck(options.basicAuth)
    : undefined;
  const verifySignature: SignatureVerifier | undefined =
    options.signature === false
      ? undefined
      : createSignatureVerifier(options.signature?.publicKeys ?? [sipgatePublicKey()]);
  if (checkAddress === undefined && checkBasicAuth === undefined && verifySignature === undefined) {
    return undefined;
  }
  return async (request, body, remoteAddress) => {
    const headers = request.headers;
    if (
      checkAddress !== undefined &&
      !checkAddress(remoteAddress, headers.get('x-forwarded-for'))
    ) {
      return ADDRESS_NOT_ALLOWED;
    }
    if (checkBasicAuth !== undefined && !checkBasicAuth(headers.get('authorization'))) {
      return BASIC_AUTH_REQUIRED;
    }
    if (verifySignature !== undefined) {
      const signature = headers.get('x-sipgate-signature');
      if (signature === null || signature === '') return SIGNATURE_MISSING;
      if (!(await verifySignature(body, signature))) return SIGNATURE_INVALID;
    }
    return undefined;
  };
}
