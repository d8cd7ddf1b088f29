import { BlockList, isIP } from 'node:net';
import { describeReceived, SiphookError } from '@siphook/schema';

/** Which source addresses may push, and which proxies may speak for them. */
export interface AllowListOptions {
  /** Allowed client addresses or CIDR ranges: `217.116.118.254`, `212.9.46.0/24`, `2001:db8::/32`. */
  addresses: string[];
  /**
   * Proxies (addresses or CIDR ranges) whose `X-Forwarded-For` is believed. The client is the
   * right-most address in that header that is not itself a trusted proxy.
   */
  trustedProxies?: string[];
}

/** Decides from the socket address and `X-Forwarded-For` whether a request may pass. */
export type SourceAddressCheck = (
  remoteAddress: string | undefined,
  forwardedFor: string | undefined,
) => boolean;

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * Builds the allow-list check. Only the socket address counts, unless it is a trusted proxy: then
 * `X-Forwarded-For` is read from the right, skipping trusted proxies, and the first other address
 * is the client. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) match their IPv4 form.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for an entry that is no address or range.
 * @example
 * const allowed = createSourceAddressCheck({ addresses: ['217.116.118.254'] });
 * allowed('::ffff:217.116.118.254', undefined) // true
 */
export function createSourceAddressCheck(options: AllowListOptions): SourceAddressCheck {
  const allowed = toBlockList(options.addresses, 'allowList.addresses');
  const proxies =
    options.trustedProxies && options.trustedProxies.length > 0
      ? toBlockList(options.trustedProxies, 'allowList.trustedProxies')
      : undefined;
  return (remoteAddress, forwardedFor) => {
    const client = resolveClientAddress(remoteAddress, forwardedFor, proxies);
    return client !== undefined && contains(allowed, client);
  };
}

/**
 * The address a request came from: the socket address, or, when that is a trusted proxy, the
 * right-most untrusted entry of `X-Forwarded-For`. `undefined` when it cannot be told.
 */
export function resolveClientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: BlockList | undefined,
): string | undefined {
  const socket = normalizeAddress(remoteAddress);
  if (socket === undefined) return undefined;
  if (
    trustedProxies === undefined ||
    forwardedFor === undefined ||
    !contains(trustedProxies, socket)
  )
    return socket;
  const hops = forwardedFor.split(',');
  let client = socket;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(stripPort(hops[i]!.trim()));
    // A malformed hop is written by someone untrusted: nothing left of it can be believed.
    if (hop === undefined) return undefined;
    client = hop;
    if (!contains(trustedProxies, hop)) return hop;
  }
  return client;
}

/** Plain address text: IPv4-mapped IPv6 as IPv4, `undefined` when it is no IP address. */
export function normalizeAddress(address: string | undefined): string | undefined {
  if (address === undefined || address === '') return undefined;
  const mapped = MAPPED_IPV4.exec(address);
  const plain = mapped === null ? address : mapped[1]!;
  return isIP(plain) === 0 ? undefined : plain;
}

function stripPort(hop: string): string {
  // `[2001:db8::1]:443` and `1.2.3.4:80` occur in the wild; a bare IPv6 address has several colons.
  if (hop.startsWith('[')) {
    const end = hop.indexOf(']');
    return end === -1 ? hop : hop.slice(1, end);
  }
  const colon = hop.indexOf(':');
  return colon !== -1 && colon === hop.lastIndexOf(':') ? hop.slice(0, colon) : hop;
}

function contains(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

function toBlockList(entries: readonly string[], field: string): BlockList {
  const list = new BlockList();
  entries.forEach((entry, index) => {
    const [address, prefix, rest] = entry.trim().split('/');
    const plain = normalizeAddress(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const family = plain === undefined ? 0 : isIP(plain);
    const maxBits = family === 6 ? 128 : 32;
    if (
      plain === undefined ||
      rest !== undefined ||
      (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > maxBits))
    ) {
      throw new SiphookError(
        'OPTIONS_INVALID',
        `${field}[${index}]: expected an IP address or CIDR range such as "217.116.118.254" or "212.9.46.0/24"; received ${describeReceived(entry)}`,
        { path: `${field}[${index}]` },
      );
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(plain, type);
    else list.addSubnet(plain, bits, type);
  });
  return list;
}
