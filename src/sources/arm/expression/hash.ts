/**
 * ARM's deterministic name functions. `uniqueString` is Microsoft's 64-bit MurmurHash variant
 * (seed 0, over the UTF-8 bytes of the arguments joined with '-') written as 13 lower-case base-32
 * characters, 5 bits at a time from the most significant end. `guid` is a name-based UUID (RFC 4122
 * version 5: SHA-1, namespace 11fb06fb-712d-4ddd-98c7-e71bbd588830) over the UTF-8 bytes of the
 * arguments joined with '-'. Both are pure so the template expander and
 * tests can reuse them.
 */
import { createHash } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function mul(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

function fmix(h: number): number {
  h = (h ^ (h >>> 16)) >>> 0;
  h = mul(h, 0x85ebca6b);
  h = (h ^ (h >>> 13)) >>> 0;
  h = mul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function readUint32(data: Uint8Array, index: number, count: number): number {
  let value = 0;
  for (let i = count - 1; i >= 0; i--) value = ((value << 8) | data[index + i]) >>> 0;
  return value;
}

/** Microsoft's MurmurHash64 variant (two 32-bit lanes); returns the 64-bit hash. */
export function murmurHash64(data: Uint8Array, seed = 0): bigint {
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const length = data.length;
  let h1 = seed >>> 0;
  let h2 = seed >>> 0;
  let index = 0;
  while (index + 7 < length) {
    let k1 = readUint32(data, index, 4);
    let k2 = readUint32(data, index + 4, 4);
    k1 = mul(rotl(mul(k1, c1), 15), c2);
    h1 = (h1 ^ k1) >>> 0;
    h1 = (mul((rotl(h1, 19) + h2) >>> 0, 5) + 0x561ccd1b) >>> 0;
    k2 = mul(rotl(mul(k2, c2), 17), c1);
    h2 = (h2 ^ k2) >>> 0;
    h2 = (mul((rotl(h2, 13) + h1) >>> 0, 5) + 0x0bcaa747) >>> 0;
    index += 8;
  }
  const tail = length - index;
  if (tail > 0) {
    const k1 = mul(rotl(mul(readUint32(data, index, Math.min(tail, 4)), c1), 15), c2);
    h1 = (h1 ^ k1) >>> 0;
    if (tail > 4) {
      const k2 = mul(rotl(mul(readUint32(data, index + 4, tail - 4), c2), 17), c1);
      h2 = (h2 ^ k2) >>> 0;
    }
  }
  h1 = (h1 ^ length) >>> 0;
  h2 = (h2 ^ length) >>> 0;
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  return (BigInt(h2) << 32n) | BigInt(h1);
}

/** `uniqueString(a, b, …)`: 13 characters from [a-z2-7], the same value Azure computes. */
export function uniqueString(...parts: string[]): string {
  let hash = murmurHash64(new TextEncoder().encode(parts.join('-')));
  let out = '';
  for (let i = 0; i < 13; i++) {
    out += BASE32[Number(hash >> 59n)];
    hash = (hash << 5n) & 0xffffffffffffffffn;
  }
  return out;
}

/** Namespace of ARM's `guid()` (an RFC 4122 name-based UUID). */
export const ARM_GUID_NAMESPACE = '11fb06fb-712d-4ddd-98c7-e71bbd588830';

/** RFC 4122 name-based UUID, version 5 (SHA-1), over the UTF-8 bytes of `name`. */
export function nameBasedUuid(namespace: string, name: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const digest = createHash('sha1').update(namespaceBytes).update(Buffer.from(name, 'utf8')).digest();
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `guid(a, b, …)`: the deterministic GUID ARM computes, lower-case with hyphens. */
export function armGuid(...parts: string[]): string {
  return nameBasedUuid(ARM_GUID_NAMESPACE, parts.join('-'));
}
