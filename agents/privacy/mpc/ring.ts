/**
 * Vector kernels for the two domains the protocol computes in. An element of Z_2^64 is two
 * Uint32 words (low, high), so a vector of n elements is a Uint32Array of 2n words with the same
 * bytes as a little-endian BigUint64Array; a bit-sliced boolean vector is a Uint32Array of words
 * (32 lanes each). Both domains expose the same kernel so that the protocol (multiplication,
 * opening, verification) is written once.
 */

export type Words = Uint32Array;

export interface Kernel {
  readonly name: 'ring' | 'bool';
  /** Words per element (2 for Z_2^64, 1 for a 32-lane word of bits). */
  readonly width: 1 | 2;
  /** x + y, into `out` when given (it may be x or y). */
  add(x: Words, y: Words, out?: Words): Words;
  /** x - y, into `out` when given (it may be x or y). */
  sub(x: Words, y: Words, out?: Words): Words;
  /** Elementwise product (ring) or AND (bool). */
  mul(x: Words, y: Words): Words;
  /**
   * One party's share of a replicated product: xa*(ya+yb) + xb*ya + r - s, where (r - s) is
   * its part of a zero-sharing; into `out` when given.
   */
  mulShare(xa: Words, xb: Words, ya: Words, yb: Words, r: Words, s: Words, out?: Words): Words;
  /**
   * One share of the sacrifice check z - c - sigma*a - rho*b - rho*sigma (the last, public term
   * only when `withPublic`: it belongs to share 0), for public rho and sigma; into `out` when given.
   */
  sacrifice(
    z: Words,
    c: Words,
    a: Words,
    b: Words,
    rho: Words,
    sigma: Words,
    withPublic: boolean,
    out?: Words,
  ): Words;
}

const TWO32 = 4294967296;

/** Low 64 bits of (al, ah) * (bl, bh); writes to out[i], out[i + 1]. */
export function mul64(al: number, ah: number, bl: number, bh: number, out: Words, i: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const t = a0 * b0;
  const m = a1 * b0 + a0 * b1 + (t >>> 16);
  const hi = a1 * b1 + Math.floor(m / 65536);
  out[i] = Math.imul(al, bl);
  out[i + 1] = hi + Math.imul(al, bh) + Math.imul(ah, bl);
}

export const ring: Kernel = {
  name: 'ring',
  width: 2,
  add(x, y, out = new Uint32Array(x.length)) {
    for (let i = 0; i < x.length; i += 2) {
      const lo = x[i]! + y[i]!;
      out[i] = lo;
      out[i + 1] = x[i + 1]! + y[i + 1]! + (lo >= TWO32 ? 1 : 0);
    }
    return out;
  },
  sub(x, y, out = new Uint32Array(x.length)) {
    for (let i = 0; i < x.length; i += 2) {
      const lo = x[i]! - y[i]!;
      out[i] = lo;
      out[i + 1] = x[i + 1]! - y[i + 1]! - (lo < 0 ? 1 : 0);
    }
    return out;
  },
  mul(x, y) {
    const out = new Uint32Array(x.length);
    for (let i = 0; i < x.length; i += 2) mul64(x[i]!, x[i + 1]!, y[i]!, y[i + 1]!, out, i);
    return out;
  },
  mulShare(xa, xb, ya, yb, r, s, out = new Uint32Array(xa.length)) {
    const p = new Uint32Array(2);
    for (let i = 0; i < xa.length; i += 2) {
      const sl = ya[i]! + yb[i]!;
      const sh = ya[i + 1]! + yb[i + 1]! + (sl >= TWO32 ? 1 : 0);
      mul64(xa[i]!, xa[i + 1]!, sl >>> 0, sh >>> 0, out, i);
      mul64(xb[i]!, xb[i + 1]!, ya[i]!, ya[i + 1]!, p, 0);
      let lo = out[i]! + p[0]!;
      let hi = out[i + 1]! + p[1]! + (lo >= TWO32 ? 1 : 0);
      lo = (lo >>> 0) + r[i]!;
      hi += r[i + 1]! + (lo >= TWO32 ? 1 : 0);
      lo = (lo >>> 0) - s[i]!;
      out[i] = lo;
      out[i + 1] = hi - s[i + 1]! - (lo < 0 ? 1 : 0);
    }
    return out;
  },
  sacrifice(z, c, a, b, rho, sigma, withPublic, into) {
    // Sum of products, subtracted from z - c at the end: sigma*a + rho*b (+ rho*sigma).
    const out = ring.sub(z, c, into);
    const p = new Uint32Array(2);
    const sum = new Uint32Array(2);
    for (let i = 0; i < out.length; i += 2) {
      mul64(sigma[i]!, sigma[i + 1]!, a[i]!, a[i + 1]!, sum, 0);
      mul64(rho[i]!, rho[i + 1]!, b[i]!, b[i + 1]!, p, 0);
      let lo = sum[0]! + p[0]!;
      let hi = sum[1]! + p[1]! + (lo >= TWO32 ? 1 : 0);
      if (withPublic) {
        mul64(rho[i]!, rho[i + 1]!, sigma[i]!, sigma[i + 1]!, p, 0);
        lo = (lo >>> 0) + p[0]!;
        hi += p[1]! + (lo >= TWO32 ? 1 : 0);
      }
      const dl = out[i]! - (lo >>> 0);
      out[i] = dl;
      out[i + 1] = out[i + 1]! - hi - (dl < 0 ? 1 : 0);
    }
    return out;
  },
};

function xor(x: Words, y: Words, out = new Uint32Array(x.length)): Words {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! ^ y[i]!;
  return out;
}

export const bool: Kernel = {
  name: 'bool',
  width: 1,
  add: xor,
  sub: xor,
  mul(x, y) {
    const out = new Uint32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i]! & y[i]!;
    return out;
  },
  mulShare(xa, xb, ya, yb, r, s, out = new Uint32Array(xa.length)) {
    for (let i = 0; i < xa.length; i++)
      out[i] = (xa[i]! & (ya[i]! ^ yb[i]!)) ^ (xb[i]! & ya[i]!) ^ r[i]! ^ s[i]!;
    return out;
  },
  sacrifice(z, c, a, b, rho, sigma, withPublic, out = new Uint32Array(z.length)) {
    const mask = withPublic ? 0xffffffff : 0;
    for (let i = 0; i < z.length; i++) {
      out[i] = z[i]! ^ c[i]! ^ (sigma[i]! & a[i]!) ^ (rho[i]! & b[i]!) ^ (rho[i]! & sigma[i]! & mask);
    }
    return out;
  },
};

/** Ring vector from bigints (taken mod 2^64, so negatives are two's complement). */
export function fromBigints(values: readonly bigint[]): Words {
  const big = new BigUint64Array(values.length);
  for (let i = 0; i < values.length; i++) big[i] = BigInt.asUintN(64, values[i]!);
  return new Uint32Array(big.buffer);
}

/** Ring vector as unsigned bigints in [0, 2^64). */
export function toBigints(x: Words): bigint[] {
  return Array.from(new BigUint64Array(x.buffer, x.byteOffset, x.length / 2));
}

/** Ring vector of n copies of one constant. */
export function ringConst(n: number, value: bigint): Words {
  return fromBigints(new Array<bigint>(n).fill(value));
}

/** Words of one vector followed by another (a batch for one round); one part is returned as is. */
export function concat(parts: readonly Words[]): Words {
  if (parts.length === 1) return parts[0]!;
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint32Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
