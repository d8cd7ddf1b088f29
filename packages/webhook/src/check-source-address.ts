import { describeReceived, SiphookError } from '@siphook/schema';
import ipaddr from 'ipaddr.js';

/** Which source addresses may push, and which proxies may speak for them. */
export interface AllowListOptions {
  /** Allowed client addresses or CIDR ranges: `217.116.118.254`, `212.9.46.0/24`, `2001:db8::/32`. */
  addresses: string[];
  /**
   * Proxies (addresses or CIDR ranges) whose `X-Forwarded-For` is believed. The client is the
   * right-most address in that header that is not itself a trusted proxy.
   */
  trustedProxies?: string[] | undefined;
}

/** Decides from the socket address and `X-Forwarded-For` whether a request may pass. */
export type SourceAddressCheck = (
  remoteAddress: string | undefined,
  forwardedFor: string | null | undefined,
) => boolean;

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = readonly [Address, number];

/**
 * Builds the allow-list check. Only the socket address counts, unless it is a trusted proxy: then
 * `X-Forwarded-For` is read from the right, skipping trusted proxies, and the first other address
 * is the client. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) match their IPv4 form. Addresses
 * are parsed by ipaddr.js, which runs on every runtime (node:net's BlockList does not).
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for an entry that is no address or range.
 * @example
 * const allowed = createSourceAddressCheck({ addresses: ['217.116.118.254'] });
 * allowed('::ffff:217.116.118.254', undefined) // true
 */
export function createSourceAddressCheck(options: AllowListOptions): SourceAddressCheck {
  const allowed = toRanges(options.addresses, 'allowList.addresses');
  const proxies =
    options.trustedProxies && options.trustedProxies.length > 0
      ? toRanges(options.trustedProxies, 'allowList.trustedProxies')
      : undefined;
  return (remoteAddress, forwardedFor) => {
    const client = resolveClientAddress(remoteAddress, forwardedFor ?? undefined, proxies);
    return client !== undefined && contains(allowed, client);
  };
}

/**
 * The address a request came from: the socket address, or, when that is a trusted proxy, the
 * right-most untrusted entry of `X-Forwarded-For`. `undefined` when it cannot be told.
 */
function resolveClientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: readonly Range[] | undefined,
): Address | undefined {
  const socket = parseAddress(remoteAddress);
  if (socket === undefined) return undefined;
  if (trustedProxies === undefined || forwardedFor === undefined) return socket;
  if (!contains(trustedProxies, socket)) return socket;
  const hops = forwardedFor.split(',');
  let client = socket;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseAddress(stripPort(hops[i]!.trim()));
    // A malformed hop is written by someone untrusted: nothing left of it can be believed.
    if (hop === undefined) return undefined;
    client = hop;
    if (!contains(trustedProxies, hop)) return hop;
  }
  return client;
}

/**
 * An IP address, with IPv4-mapped IPv6 as IPv4; `undefined` when it is none. IPv4 only in its
 * four-part decimal form: ipaddr.js also reads `127.1` or `0x7f.1`, which no socket reports.
 */
function parseAddress(text: string | undefined): Address | undefined {
  if (text === undefined || text === '') return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const address = ipaddr.IPv6.parse(text);
  if (!address.isIPv4MappedAddress()) return address;
  // `::ffff:0x7f.1` is no address a socket would report either.
  const embedded = text.slice(text.lastIndexOf(':') + 1);
  return embedded.includes('.') && !ipaddr.IPv4.isValidFourPartDecimal(embedded)
    ? undefined
    : address.toIPv4Address();
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

function contains(ranges: readonly Range[], address: Address): boolean {
  const kind = address.kind();
  for (const [network, bits] of ranges) {
    if (network.kind() === kind && address.match(network, bits)) return true;
  }
  return false;
}

function toRanges(entries: readonly string[], field: string): Range[] {
  return entries.map((entry, index) => {
    const [address, prefix, rest] = entry.trim().split('/');
    const network = parseAddress(address);
    const maxBits = network?.kind() === 'ipv6' ? 128 : 32;
    const bits = prefix === undefined ? maxBits : Number(prefix);
    if (
      network === undefined ||
      rest !== undefined ||
      (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) ||
      bits > maxBits
    ) {
      throw new SiphookError(
        'OPTIONS_INVALID',
        `${field}[${index}]: expected an IP address or CIDR range such as "217.116.118.254" or "212.9.46.0/24"; received ${describeReceived(entry)}`,
        { path: `${field}[${index}]` },
      );
    }
    return [network, bits] as const;
  });
}
