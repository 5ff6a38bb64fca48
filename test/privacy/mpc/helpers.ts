/** Shared fixtures: three in-memory parties, random and edge values. */
import { randomBytes } from 'node:crypto';
import { createMemoryLinks, type MemoryOptions } from '../../../agents/privacy/mpc/memory.js';
import { createParty, type Mode, type Party } from '../../../agents/privacy/mpc/party.js';

export const MODES: Mode[] = ['semi-honest', 'malicious'];
export const MASK = (1n << 64n) - 1n;

/** 0, 1, 2^63, 2^64 - 1 and their neighbours, plus small negatives in two's complement. */
export const EDGES = [
  0n,
  1n,
  2n,
  1n << 63n,
  (1n << 63n) - 1n,
  (1n << 63n) + 1n,
  MASK,
  MASK - 1n,
  -5n & MASK,
  1n << 32n,
];

export function randomU64(): bigint {
  return randomBytes(8).readBigUInt64LE(0);
}

/** Every pair of edge values, then random pairs (with some equal), as [xs, ys]. */
export function pairs(random: number): [bigint[], bigint[]] {
  const xs: bigint[] = [];
  const ys: bigint[] = [];
  for (const x of EDGES) {
    for (const y of EDGES) {
      xs.push(x);
      ys.push(y);
    }
  }
  for (let i = 0; i < random; i++) {
    const x = randomU64();
    xs.push(x);
    ys.push(i % 7 === 0 ? x : i % 3 === 0 ? x ^ 1n : randomU64());
  }
  return [xs, ys];
}

export function signed(x: bigint): bigint {
  return BigInt.asIntN(64, x);
}

/** Runs f on three in-memory parties; resolves with the three results (or rejects). */
export function runParties<T>(
  mode: Mode,
  f: (party: Party, id: number) => Promise<T>,
  options?: MemoryOptions,
) {
  const links = createMemoryLinks(options);
  return Promise.all(links.map((link, id) => f(createParty({ link, mode }), id)));
}

/** Like runParties, but waits for all three and reports each outcome (result or error). */
export function settleParties<T>(
  mode: Mode,
  f: (party: Party, id: number) => Promise<T>,
  options?: MemoryOptions,
) {
  const links = createMemoryLinks(options);
  return Promise.allSettled(links.map((link, id) => f(createParty({ link, mode }), id)));
}

/** Largest of a non-empty list of bigints. */
export function maxOf(values: readonly bigint[]): bigint {
  let max = values[0]!;
  for (const v of values) if (v > max) max = v;
  return max;
}
