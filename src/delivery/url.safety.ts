/**
 * Callback-url rules (design §6.3): https, or http to an allowed host; targets that are (or resolve
 * to) private, loopback, link-local or otherwise non-public addresses are refused unless the server
 * allows private targets. Checked at subscribe time and again at every connection (DNS can change).
 * Urls are secrets (they often carry `sig=`): logs and payloads show only `redactUrl(url)`.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';

export interface TargetPolicy {
  allowPrivateTargets: boolean;
  /** Hosts that may be called over plain http (private ones also need `allowPrivateTargets`). */
  allowHttpHosts: string[];
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True for addresses that are not public unicast (private, loopback, link-local, CGNAT, multicast…). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  return blocked.check(address, 'ipv6');
}

/** `https://host/…`: what logs, the console and event payloads show of a callback url. */
export function redactUrl(url: string): string {
  // Internal targets (`flow:<name>`) name a flow, not a secret.
  if (url.startsWith('flow:')) return url;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(invalid url)';
  }
}

function hostnameOf(u: URL): string {
  return u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
}

function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (e, addresses) => (e ? reject(e) : resolve(addresses))),
  );
}

/**
 * Validates a callback url; returns it normalized with its `host:port` (the throttling unit).
 * `field` names the offending input in the error.
 */
export async function validateCallbackUrl(
  raw: string,
  policy: TargetPolicy,
  field: string,
): Promise<Result<{ url: string; targetHost: string }>> {
  const refuse = (why: string) =>
    err(makeError(ErrorCode.validation, 'user', `${field}: ${why}`, field));
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return refuse('not an absolute url');
  }
  if (u.username || u.password) return refuse('credentials in the url are not allowed');
  const hostname = hostnameOf(u).toLowerCase();
  const literal = isIP(hostname) !== 0;
  const named = !literal;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return refuse('the scheme must be https');
  let privateTarget = literal && isPrivateAddress(hostname);
  if (named && !policy.allowPrivateTargets) {
    if (hostname === 'localhost' || hostname.endsWith('.localhost')) privateTarget = true;
    else {
      try {
        privateTarget = (await resolveAll(hostname)).some((a) => isPrivateAddress(a.address));
      } catch {
        return refuse(`the host "${hostname}" does not resolve`);
      }
    }
  }
  if (privateTarget && !policy.allowPrivateTargets) {
    return refuse(
      'private, loopback and link-local targets are refused (TRIBUTARY_ALLOW_PRIVATE_TARGETS=true allows them)',
    );
  }
  if (u.protocol === 'http:') {
    const httpAllowed =
      policy.allowHttpHosts.includes(hostname) || (policy.allowPrivateTargets && privateTarget);
    if (!httpAllowed) return refuse('the scheme must be https (http only to allowed hosts)');
  }
  return ok({ url: u.toString(), targetHost: u.host.toLowerCase() });
}

type LookupCallback = (
  e: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for outgoing connections that refuses private addresses unless allowed, so a name
 * that re-resolves to an internal address after subscribe time is still not reached.
 */
export function createGuardedLookup(policy: TargetPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (e, addresses) => {
      if (e) return callback(e, []);
      const refused = addresses.find((a) => isPrivateAddress(a.address));
      if (refused && !policy.allowPrivateTargets) {
        return callback(
          Object.assign(new Error(`target ${hostname} resolves to a non-public address`), {
            code: 'ERR_TARGET_REFUSED',
          }),
          [],
        );
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** True when a literal-address target is not allowed (lookup never runs for literals). */
export function isRefusedLiteral(url: string, policy: TargetPolicy): boolean {
  const hostname = hostnameOf(new URL(url));
  return !policy.allowPrivateTargets && isIP(hostname) !== 0 && isPrivateAddress(hostname);
}
