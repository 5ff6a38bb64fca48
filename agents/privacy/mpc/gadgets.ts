/**
 * The three applications, each a function of a Party that returns only the public result.
 * Nothing is opened before the end (malicious mode verifies every multiplication first), except
 * the winner index of a second-price auction, which is part of the result anyway.
 */
import { planeToBools, planeWords } from './bits.js';
import type { Party, Share } from './party.js';
import { bool, fromBigints, ring, toBigints, type Words } from './ring.js';

export type Weights = { public: readonly bigint[] } | { secret: Share };

/** Ring elements [from, to) of a share (element = 2 words). */
function elements(x: Share, from: number, to: number): Share {
  return { a: x.a.subarray(2 * from, 2 * to), b: x.b.subarray(2 * from, 2 * to) };
}

/** Elements at indices (copied), e.g. every other element for a tournament round. */
function pick(x: Share, indices: readonly number[]): Share {
  const take = (words: Words) => {
    const out = new Uint32Array(2 * indices.length);
    indices.forEach((i, j) => {
      out[2 * j] = words[2 * i]!;
      out[2 * j + 1] = words[2 * i + 1]!;
    });
    return out;
  };
  return { a: take(x.a), b: take(x.b) };
}

/** Most elements one block sum takes: the high word, a double, stays exact below 2^21 * 2^32. */
export const MAX_BLOCK_SUM = 2 ** 21 - 1;

/** Sums of consecutive blocks of `size` elements; throws `RangeError` above `MAX_BLOCK_SUM`. */
export function blockSums(x: Words, blocks: number, size: number): Words {
  if (size > MAX_BLOCK_SUM)
    throw new RangeError(`a block sum takes at most ${MAX_BLOCK_SUM} elements, not ${size}`);
  const out = new Uint32Array(2 * blocks);
  for (let j = 0; j < blocks; j++) {
    let lo = 0;
    let hi = 0;
    for (let i = 2 * j * size; i < 2 * (j + 1) * size; i += 2) {
      lo += x[i]!;
      hi += x[i + 1]!;
      if (lo >= 4294967296) {
        lo -= 4294967296;
        hi++;
      }
    }
    out[2 * j] = lo;
    out[2 * j + 1] = hi;
  }
  return out;
}

/** Bits of a ballot choice: indices 0..2^bits - 1, of which 0..options - 1 are valid. */
export function ballotChoiceBits(options: number): number {
  return Math.max(1, Math.ceil(Math.log2(options)));
}

/**
 * Secret ballot: voter v's choice is an index of ballotChoiceBits(options) bits, XOR-shared
 * (`shareBits`), so it cannot be anything but a small index; an index >= options counts for
 * nothing. The result is, for each option j, the sum of the weights of the voters who chose j.
 */
export async function ballotTally(
  party: Party,
  {
    choices,
    voters,
    options,
    weights,
  }: { choices: Share; voters: number; options: number; weights: Weights },
): Promise<bigint[]> {
  const n = voters;
  const block = planeWords(n) * 32;
  const values = Array.from({ length: options }, (_, j) => BigInt(j));
  const match = await party.matchPublic(choices, ballotChoiceBits(options), n, values);
  const oneHot = await party.bitToRing(match, options * block);
  // Weights laid out like the one-hot rows: option j's block holds every voter's weight.
  const spread = (w: Words) => {
    const out = new Uint32Array(2 * options * block);
    for (let j = 0; j < options; j++) out.set(w, 2 * j * block);
    return out;
  };
  let weighted: Share;
  if ('public' in weights) {
    weighted = party.mulPublic(oneHot, spread(fromBigints(weights.public)));
  } else {
    [weighted] = (await party.mul(ring, [
      [oneHot, { a: spread(weights.secret.a), b: spread(weights.secret.b) }],
    ])) as [Share];
  }
  const totals = { a: blockSums(weighted.a, options, block), b: blockSums(weighted.b, options, block) };
  return toBigints(await party.open(ring, totals));
}

/** Holder cap: true when the number of strictly positive balances is at most `cap`. */
export async function holderCapCheck(
  party: Party,
  { balances, cap }: { balances: Share; cap: bigint },
): Promise<boolean> {
  const n = balances.a.length / 2;
  const positive = await party.lt(party.constant(new Uint32Array(2 * n)), balances, n);
  const ones = await party.bitToRing(positive, n);
  const count = { a: blockSums(ones.a, 1, n), b: blockSums(ones.b, 1, n) };
  const over = await party.lt(party.constant(fromBigints([cap])), count, 1);
  return !planeToBools(await party.open(bool, over), 1)[0];
}

/** Threshold checks: for each balance, true when balance >= its threshold (e.g. accreditation). */
export async function thresholdCheck(
  party: Party,
  { balances, thresholds }: { balances: Share; thresholds: readonly bigint[] },
): Promise<boolean[]> {
  const n = balances.a.length / 2;
  const below = await party.lt(balances, party.constant(fromBigints(thresholds)), n);
  return planeToBools(await party.open(bool, below), n).map((b) => !b);
}

/**
 * Whether the total of n balances (e.g. one investor's wallets) is at least `threshold`. Each
 * balance must lie in [0, 2^(63 - ceil(log2 n))), so that the total never wraps past 2^63 - 1; a
 * balance out of that range (a negative one included: unsigned it is >= 2^63) counts as 0. One
 * unsigned comparison and one multiplication per balance, one comparison for the total.
 */
export async function totalAtLeast(
  party: Party,
  { balances, threshold }: { balances: Share; threshold: bigint },
): Promise<boolean> {
  const n = balances.a.length / 2;
  const bound = 1n << BigInt(63 - Math.ceil(Math.log2(n)));
  const inRange = await party.lt(balances, party.constant(fromBigints(Array(n).fill(bound))), n, {
    signed: false,
  });
  const [kept] = (await party.mul(ring, [[await party.bitToRing(inRange, n), balances]])) as [Share];
  const total = { a: blockSums(kept.a, 1, n), b: blockSums(kept.b, 1, n) };
  const below = await party.lt(total, party.constant(fromBigints([threshold])), 1);
  return !planeToBools(await party.open(bool, below), 1)[0];
}

/** Shared maximum and its index (lowest index on ties), by a tournament of log2(n) rounds. */
async function argmax(party: Party, values: Share, n: number): Promise<{ value: Share; index: Share }> {
  let value = values;
  let index = party.constant(fromBigints(Array.from({ length: n }, (_, i) => BigInt(i))));
  let count = n;
  while (count > 1) {
    const half = Math.floor(count / 2);
    const left = Array.from({ length: half }, (_, i) => 2 * i);
    const right = left.map((i) => i + 1);
    const [lv, rv, li, ri] = [pick(value, left), pick(value, right), pick(index, left), pick(index, right)];
    const rightWins = await party.lt(lv, rv, half);
    const [v, i] = await party.select(rightWins, half, [
      [rv, lv],
      [ri, li],
    ]);
    const odd = count % 2 === 1;
    value = odd ? join([v!, elements(value, count - 1, count)]) : v!;
    index = odd ? join([i!, elements(index, count - 1, count)]) : i!;
    count = half + (odd ? 1 : 0);
  }
  return { value, index };
}

function join(parts: readonly Share[]): Share {
  const cat = (key: 'a' | 'b') => {
    const out = new Uint32Array(parts.reduce((s, p) => s + p[key].length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p[key], offset);
      offset += p[key].length;
    }
    return out;
  };
  return { a: cat('a'), b: cat('b') };
}

/**
 * Sealed-bid auction over signed 64-bit bids: reveals only the winner (highest bid, lowest index
 * on ties) and the clearing price, which is the winning bid (first price) or the highest other
 * bid (second price; -2^63 when there is a single bidder).
 */
export async function sealedBidAuction(
  party: Party,
  { bids, pricing }: { bids: Share; pricing: 'first' | 'second' },
): Promise<{ winner: number; price: bigint }> {
  const n = bids.a.length / 2;
  const best = await argmax(party, bids, n);
  if (pricing === 'first') {
    const [index, price] = toBigints(await party.open(ring, join([best.index, best.value])));
    return { winner: Number(index), price: BigInt.asIntN(64, price!) };
  }
  const winner = Number(toBigints(await party.open(ring, best.index))[0]);
  // Take the winner out (its bid becomes the minimum) and find the best of the others.
  const floor = party.constant(fromBigints([-(1n << 63n)]));
  const rest = join([elements(bids, 0, winner), floor, elements(bids, winner + 1, n)]);
  const second = await argmax(party, rest, n);
  const [price] = toBigints(await party.open(ring, second.value));
  return { winner, price: BigInt.asIntN(64, price!) };
}
