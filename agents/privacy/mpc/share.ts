/**
 * Client side of the sharing: split secret 64-bit values into replicated shares (party i gets
 * shares i and i + 1) and put shares back together. A client encrypts party i's pair to node i.
 */
import { randomFillSync } from 'node:crypto';
import { planeWords } from './bits.js';
import type { Share } from './party.js';
import { bool, fromBigints, ring, toBigints, type Words } from './ring.js';

/** Replicated shares of values (mod 2^64; negatives are two's complement), one pair per party. */
export function shareValues(values: readonly bigint[]): [Share, Share, Share] {
  const x = fromBigints(values);
  const x0 = randomFillSync(new Uint32Array(x.length));
  const x1 = randomFillSync(new Uint32Array(x.length));
  const x2 = ring.sub(ring.sub(x, x0), x1);
  return [
    { a: x0, b: x1 },
    { a: x1, b: x2 },
    { a: x2, b: x0 },
  ];
}

/**
 * Replicated XOR shares of small values (< 2^bits), bit-sliced: `bits` planes of ceil(n / 32)
 * words, bit t of value j at bit (j & 31) of word t * W + (j >>> 5). A client sharing one value
 * makes three random bit strings that XOR to it; the nodes place them in the planes.
 */
export function shareBits(values: readonly bigint[], bits: number): [Share, Share, Share] {
  const w = planeWords(values.length);
  const x = new Uint32Array(bits * w);
  values.forEach((value, j) => {
    if (value < 0n || value >= 1n << BigInt(bits))
      throw new RangeError(`value ${j} does not fit in ${bits} bits`);
    for (let t = 0; t < bits; t++) if ((value >> BigInt(t)) & 1n) x[t * w + (j >>> 5)]! |= 1 << (j & 31);
  });
  const x0 = randomFillSync(new Uint32Array(x.length));
  const x1 = randomFillSync(new Uint32Array(x.length));
  const x2 = bool.add(bool.add(x, x0), x1);
  return [
    { a: x0, b: x1 },
    { a: x1, b: x2 },
    { a: x2, b: x0 },
  ];
}

/** Values from any two parties' pairs (or all three); unsigned, in [0, 2^64). */
export function reconstruct(shares: readonly Share[]): bigint[] {
  const [p0, p1] = shares as [Share, Share];
  return toBigints(ring.add(ring.add(p0.a, p0.b), p1.b));
}

/** A share pair as bytes (a then b), e.g. to encrypt it to one node. */
export function encodeShare(share: Share): Uint8Array {
  const out = new Uint8Array(share.a.byteLength * 2);
  out.set(new Uint8Array(share.a.buffer, share.a.byteOffset, share.a.byteLength), 0);
  out.set(new Uint8Array(share.b.buffer, share.b.byteOffset, share.b.byteLength), share.a.byteLength);
  return out;
}

export function decodeShare(bytes: Uint8Array): Share {
  if (bytes.length % 16 !== 0) throw new Error('share bytes must be two vectors of 8-byte elements');
  const words: Words = new Uint32Array(bytes.slice().buffer);
  return { a: words.subarray(0, words.length / 2), b: words.subarray(words.length / 2) };
}
