/**
 * An RSA public key as the signature check uses it: modulus and exponent (JWK base64url, as
 * `crypto.subtle` and `node:crypto` both import them) and the modulus length in bits.
 */
export interface RsaPublicKey {
  /** The modulus, unsigned big-endian, base64url without padding. */
  readonly n: string;
  /** The public exponent, likewise. */
  readonly e: string;
  /** The modulus length: an RSA PKCS#1 v1.5 signature is exactly `ceil(bits / 8)` bytes. */
  readonly bits: number;
}

/** A key object that can export itself as a JWK, such as node:crypto's `KeyObject`. */
export interface JwkExportable {
  readonly type: string;
  export(options: { format: 'jwk' }): { kty?: string; n?: string; e?: string };
}

/** A public key as accepted by the signature check: PEM text (key or certificate) or a KeyObject. */
export type PublicKeyInput = string | Uint8Array | JwkExportable;

/**
 * Why a key was refused: what it was, for the "received …" part of a message; an empty message
 * when the input holds no PEM block at all (then the input itself is quoted).
 */
export class KeyUnreadable extends Error {}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
/** 1.2.840.113549.1.1.1 */
const RSA_ENCRYPTION = '2a864886f70d010101';
/** Key types people do pass by mistake, by their algorithm OID (hex of the DER contents). */
const KEY_TYPES: Readonly<Record<string, string>> = {
  '2a864886f70d01010a': 'rsa-pss',
  '2a8648ce3d0201': 'ec',
  '2b6570': 'ed25519',
  '2b6571': 'ed448',
  '2b656e': 'x25519',
  '2a8648ce380401': 'dsa',
};
const UNEXPECTED_DER = 'unexpected DER';
const TAG_INTEGER = 0x02;
const TAG_BIT_STRING = 0x03;
const TAG_OCTET_STRING = 0x04;
const TAG_OID = 0x06;
const TAG_SEQUENCE = 0x30;
const TAG_VERSION = 0xa0;
const utf8 = new TextDecoder();

/**
 * Reads an RSA public key from PEM text (`PUBLIC KEY`, `RSA PUBLIC KEY`, `CERTIFICATE`, or an
 * unencrypted `PRIVATE KEY`/`RSA PRIVATE KEY`, whose public half is taken) or from a KeyObject.
 * The DER inside is walked by hand: these are five fixed shapes, and the walk runs on every
 * runtime without `node:crypto` (tests compare it with node:crypto's own reading).
 *
 * @throws {KeyUnreadable} naming what was found instead of an RSA key.
 */
export function readRsaPublicKey(input: PublicKeyInput): RsaPublicKey {
  if (typeof input === 'object' && !(input instanceof Uint8Array)) return fromKeyObject(input);
  const text = typeof input === 'string' ? input : utf8.decode(input);
  const block = PEM_BLOCK.exec(text);
  if (block === null) throw new KeyUnreadable('');
  const label = block[1]!;
  const der = decodeBase64(block[2]!.replace(/\s+/g, ''));
  if (der === undefined) throw new KeyUnreadable(`a ${label} block that is not base64`);
  try {
    switch (label) {
      case 'PUBLIC KEY':
        return fromSubjectPublicKeyInfo(der, 0);
      case 'RSA PUBLIC KEY':
        return fromRsaPublicKey(der, 0);
      case 'CERTIFICATE':
        return fromCertificate(der);
      case 'PRIVATE KEY':
        return fromPrivateKeyInfo(der);
      case 'RSA PRIVATE KEY':
        return fromRsaPrivateKey(der, 0);
      default:
        throw new KeyUnreadable(`a ${label} block`);
    }
  } catch (error) {
    if (error instanceof KeyUnreadable && error.message !== UNEXPECTED_DER) throw error;
    throw new KeyUnreadable(`a malformed ${label} block`);
  }
}

function fromKeyObject(key: JwkExportable): RsaPublicKey {
  let jwk: { kty?: string; n?: string; e?: string };
  try {
    jwk = key.export({ format: 'jwk' });
  } catch {
    throw new KeyUnreadable(`a ${String(key.type)} KeyObject that cannot be exported`);
  }
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') {
    throw new KeyUnreadable(`a ${String(key.type)} ${String(jwk.kty ?? 'non-RSA')} KeyObject`);
  }
  const modulus = decodeBase64(jwk.n.replace(/-/g, '+').replace(/_/g, '/'));
  if (modulus === undefined) throw new KeyUnreadable('a KeyObject with an unreadable modulus');
  return { n: jwk.n, e: jwk.e, bits: bitLength(modulus) };
}

/** SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID, params }, BIT STRING { RSAPublicKey } }. */
function fromSubjectPublicKeyInfo(der: Uint8Array, offset: number): RsaPublicKey {
  const info = read(der, offset, TAG_SEQUENCE);
  const algorithm = read(der, info.start, TAG_SEQUENCE);
  checkRsaAlgorithm(der, algorithm.start);
  const bits = read(der, algorithm.end, TAG_BIT_STRING);
  if (der[bits.start] !== 0) throw new KeyUnreadable('a malformed PUBLIC KEY block');
  return fromRsaPublicKey(der, bits.start + 1);
}

/** RSAPublicKey (PKCS#1): SEQUENCE { INTEGER n, INTEGER e }. */
function fromRsaPublicKey(der: Uint8Array, offset: number): RsaPublicKey {
  const key = read(der, offset, TAG_SEQUENCE);
  const n = read(der, key.start, TAG_INTEGER);
  const e = read(der, n.end, TAG_INTEGER);
  return toKey(der.subarray(n.start, n.end), der.subarray(e.start, e.end));
}

/** Certificate: SEQUENCE { TBSCertificate SEQUENCE { [0] version?, serial, alg, issuer, validity, subject, SPKI, … }, … }. */
function fromCertificate(der: Uint8Array): RsaPublicKey {
  const certificate = read(der, 0, TAG_SEQUENCE);
  const tbs = read(der, certificate.start, TAG_SEQUENCE);
  let field = tbs.start;
  if (der[field] === TAG_VERSION) field = read(der, field, TAG_VERSION).end;
  // serial number, signature algorithm, issuer, validity, subject
  field = read(der, field, TAG_INTEGER).end;
  for (let skip = 0; skip < 4; skip++) field = read(der, field, TAG_SEQUENCE).end;
  return fromSubjectPublicKeyInfo(der, field);
}

/** PrivateKeyInfo (PKCS#8): SEQUENCE { INTEGER version, SEQUENCE { OID, params }, OCTET STRING { RSAPrivateKey } }. */
function fromPrivateKeyInfo(der: Uint8Array): RsaPublicKey {
  const info = read(der, 0, TAG_SEQUENCE);
  const version = read(der, info.start, TAG_INTEGER);
  const algorithm = read(der, version.end, TAG_SEQUENCE);
  checkRsaAlgorithm(der, algorithm.start);
  const octets = read(der, algorithm.end, TAG_OCTET_STRING);
  return fromRsaPrivateKey(der, octets.start);
}

/** RSAPrivateKey (PKCS#1): SEQUENCE { INTEGER version, INTEGER n, INTEGER e, … }. */
function fromRsaPrivateKey(der: Uint8Array, offset: number): RsaPublicKey {
  const key = read(der, offset, TAG_SEQUENCE);
  const version = read(der, key.start, TAG_INTEGER);
  const n = read(der, version.end, TAG_INTEGER);
  const e = read(der, n.end, TAG_INTEGER);
  return toKey(der.subarray(n.start, n.end), der.subarray(e.start, e.end));
}

function checkRsaAlgorithm(der: Uint8Array, offset: number): void {
  const oid = read(der, offset, TAG_OID);
  const hex = toHex(der.subarray(oid.start, oid.end));
  if (hex !== RSA_ENCRYPTION) throw new KeyUnreadable(`a ${KEY_TYPES[hex] ?? 'non-RSA'} key`);
}

function toKey(modulus: Uint8Array, exponent: Uint8Array): RsaPublicKey {
  const n = withoutLeadingZeros(modulus);
  const e = withoutLeadingZeros(exponent);
  if (n.length === 0 || e.length === 0) throw new KeyUnreadable('an RSA key with a zero modulus');
  return { n: toBase64Url(n), e: toBase64Url(e), bits: bitLength(n) };
}

/** One DER element: where its contents start and where the element ends. */
interface Element {
  start: number;
  end: number;
}

/** Reads the element at `offset`, which must carry `tag`; lengths up to 4 bytes (DER, definite). */
function read(der: Uint8Array, offset: number, tag: number): Element {
  if (der[offset] !== tag) throw new KeyUnreadable(UNEXPECTED_DER);
  let length = der[offset + 1];
  let start = offset + 2;
  if (length === undefined) throw new KeyUnreadable(UNEXPECTED_DER);
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new KeyUnreadable(UNEXPECTED_DER);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? Number.NaN);
    start += count;
  }
  const end = start + length;
  if (!Number.isInteger(end) || end > der.length) throw new KeyUnreadable(UNEXPECTED_DER);
  return { start, end };
}

function withoutLeadingZeros(bytes: Uint8Array): Uint8Array {
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first++;
  return bytes.subarray(first);
}

function bitLength(bytes: Uint8Array): number {
  const trimmed = withoutLeadingZeros(bytes);
  if (trimmed.length === 0) return 0;
  return (trimmed.length - 1) * 8 + (32 - Math.clz32(trimmed[0]!));
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (standard alphabet, optional padding) to bytes; undefined for anything else. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text) || text.length % 4 === 1) return undefined;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
