/**
 * Layout changes between ring vectors and bit-sliced vectors. A bit-sliced vector of n 64-bit
 * values is 64 planes of W = ceil(n / 32) words, plane-major: bit b of value j is bit (j & 31) of
 * word b * W + (j >>> 5). A vector of n single bits is one plane of W words.
 */
import type { Words } from './ring.js';

export function planeWords(n: number): number {
  return (n + 31) >>> 5;
}

/** Transposes a 32x32 bit matrix in place (rows are words; Hacker's Delight 7-3). */
function transpose32(m: Uint32Array): void {
  let j = 16;
  let mask = 0x0000ffff;
  while (j !== 0) {
    for (let k = 0; k < 32; k = (k + j + 1) & ~j) {
      const t = (m[k]! ^ (m[k + j]! >>> j)) & mask;
      m[k] = m[k]! ^ t;
      m[k + j] = m[k + j]! ^ (t << j);
    }
    j >>>= 1;
    mask ^= mask << j;
  }
}

/** Bit planes (64 x W words) of a ring vector of n elements. */
export function toPlanes(x: Words, n: number): Words {
  const w = planeWords(n);
  const out = new Uint32Array(64 * w);
  const block = new Uint32Array(32);
  for (let g = 0; g < w; g++) {
    for (let half = 0; half < 2; half++) {
      block.fill(0);
      const count = Math.min(32, n - g * 32);
      // Row r of the block = word `half` of element g*32 + (31 - r): after the transpose, row r
      // holds bit (31 - r) of the 32 elements, element j at bit j.
      for (let e = 0; e < count; e++) block[31 - e] = x[2 * (g * 32 + e) + half]!;
      transpose32(block);
      for (let r = 0; r < 32; r++) out[(half * 32 + 31 - r) * w + g] = block[r]!;
    }
  }
  return out;
}

/** A ring vector with element j = bit j of the plane (0 or 1). */
export function planeToRing(plane: Words, n: number): Words {
  const out = new Uint32Array(2 * n);
  for (let j = 0; j < n; j++) out[2 * j] = (plane[j >>> 5]! >>> (j & 31)) & 1;
  return out;
}

/** A plane of W words with every lane of the first n set (public all-ones, for NOT). */
export function onesPlane(n: number): Words {
  const out = new Uint32Array(planeWords(n)).fill(0xffffffff);
  if (n & 31) out[out.length - 1] = (1 << (n & 31)) - 1;
  return out;
}

/** Bits of a plane as booleans. */
export function planeToBools(plane: Words, n: number): boolean[] {
  return Array.from({ length: n }, (_, j) => ((plane[j >>> 5]! >>> (j & 31)) & 1) === 1);
}
