/** Every operation and gadget against plaintext, on edge and random values, in both modes. */
import { describe, expect, it } from 'vitest';
import { planeToBools, planeWords } from '../../../agents/privacy/mpc/bits.js';
import {
  ballotChoiceBits,
  ballotTally,
  blockSums,
  holderCapCheck,
  MAX_BLOCK_SUM,
  sealedBidAuction,
  thresholdCheck,
  totalAtLeast,
} from '../../../agents/privacy/mpc/gadgets.js';
import {
  checkSizes,
  permutation,
  STATISTICAL_SECURITY,
  VERIFY_CHUNK,
} from '../../../agents/privacy/mpc/party.js';
import { bool, fromBigints, ring, toBigints } from '../../../agents/privacy/mpc/ring.js';
import { reconstruct, shareBits, shareValues } from '../../../agents/privacy/mpc/share.js';
import { EDGES, MASK, MODES, maxOf, pairs, randomU64, runParties, signed } from './helpers.js';

const [xs, ys] = pairs(200);
const n = xs.length;

describe('sharing', () => {
  it('reconstructs edge and random values from any two parties', () => {
    const values = [...EDGES, randomU64(), randomU64()];
    const shares = shareValues(values.map((v) => signed(v)));
    expect(reconstruct([shares[0], shares[1]])).toEqual(values);
  });
});

describe('ring kernels', () => {
  it('compute mod 2^64 on any view, 8-byte aligned or not, into a fresh vector or `out`', () => {
    const [xs, ys] = pairs(40);
    const n = xs.length;
    const expected = {
      add: xs.map((x, i) => (x + ys[i]!) & MASK),
      sub: xs.map((x, i) => (x - ys[i]!) & MASK),
      mul: xs.map((x, i) => (x * ys[i]!) & MASK),
      // mulShare(x, x, y, y, r = x, s = y): x(y + y) + xy + x - y
      share: xs.map((x, i) => (3n * x * ys[i]! + x - ys[i]!) & MASK),
      // sacrifice(z = x, c = y, a = x, b = y, rho = x, sigma = y, public): x - y - yx - xy - xy
      check: xs.map((x, i) => (x - ys[i]! - 3n * x * ys[i]!) & MASK),
    };
    // A ring vector starting at word 1 of its buffer: 4 bytes past 8-byte alignment.
    const misaligned = (v: Uint32Array) => {
      const w = new Uint32Array(v.length + 1);
      w.set(v, 1);
      return w.subarray(1);
    };
    for (const view of [(v: Uint32Array) => v, misaligned]) {
      const x = view(fromBigints(xs));
      const y = view(fromBigints(ys));
      const out = view(new Uint32Array(2 * n));
      expect(toBigints(ring.add(x, y))).toEqual(expected.add);
      expect(toBigints(ring.sub(x, y, out).slice())).toEqual(expected.sub);
      expect(toBigints(ring.mul(x, y))).toEqual(expected.mul);
      expect(toBigints(ring.mulShare(x, x, y, y, x, y, out).slice())).toEqual(expected.share);
      expect(toBigints(ring.sacrifice(x, y, x, y, x, y, true, out).slice())).toEqual(expected.check);
    }
  });
});

describe.each(MODES)('operations (%s)', (mode) => {
  it('adds, subtracts, multiplies by public values and multiplies shared values', async () => {
    const X = shareValues(xs);
    const Y = shareValues(ys);
    const [out] = await runParties(mode, async (p, i) => {
      const [product] = await p.mul(ring, [[X[i]!, Y[i]!]]);
      const all = [
        p.add(ring, X[i]!, Y[i]!),
        p.sub(ring, X[i]!, Y[i]!),
        p.mulPublic(X[i]!, fromBigints(ys)),
        p.addPublic(ring, X[i]!, fromBigints(ys)),
        product!,
      ];
      const opened: bigint[][] = [];
      for (const s of all) opened.push(toBigints(await p.open(ring, s)));
      return opened;
    });
    const [sum, difference, scaled, shifted, product] = out!;
    expect(sum).toEqual(xs.map((x, j) => (x + ys[j]!) & MASK));
    expect(difference).toEqual(xs.map((x, j) => (x - ys[j]!) & MASK));
    expect(scaled).toEqual(xs.map((x, j) => (x * ys[j]!) & MASK));
    expect(shifted).toEqual(sum);
    expect(product).toEqual(scaled);
  });

  it('decomposes into bits and extracts the sign bit', async () => {
    const X = shareValues(xs);
    const [planes] = await runParties(mode, async (p, i) => p.open(bool, await p.bits(X[i]!, n)));
    const w = planeWords(n);
    const bit = (b: number) => planeToBools(planes!.subarray(b * w, (b + 1) * w), n);
    for (const b of [0, 1, 31, 32, 62, 63])
      expect(bit(b)).toEqual(xs.map((x) => ((x >> BigInt(b)) & 1n) === 1n));
    const [top] = await runParties(mode, async (p, i) => p.open(bool, await p.msb(X[i]!, n)));
    expect(planeToBools(top!, n)).toEqual(bit(63));
  });

  it('compares signed and unsigned 64-bit values exactly', async () => {
    const X = shareValues(xs);
    const Y = shareValues(ys);
    const [out] = await runParties(mode, async (p, i) => {
      const lt = await p.lt(X[i]!, Y[i]!, n);
      const ltu = await p.lt(X[i]!, Y[i]!, n, { signed: false });
      return [planeToBools(await p.open(bool, lt), n), planeToBools(await p.open(bool, ltu), n)];
    });
    expect(out![0]).toEqual(xs.map((x, j) => signed(x) < signed(ys[j]!)));
    expect(out![1]).toEqual(xs.map((x, j) => x < ys[j]!));
  });

  it('tests equality with public values', async () => {
    const X = shareValues(xs);
    const targets = [0n, 1n, MASK, 1n << 63n, xs[150]!];
    const [plane] = await runParties(mode, async (p, i) => p.open(bool, await p.eqPublic(X[i]!, n, targets)));
    const w = planeWords(n);
    targets.forEach((t, j) => {
      expect(planeToBools(plane!.subarray(j * w, (j + 1) * w), n)).toEqual(xs.map((x) => x === t));
    });
  });

  it('converts bits to ring values and selects', async () => {
    const X = shareValues(xs);
    const Y = shareValues(ys);
    const [out] = await runParties(mode, async (p, i) => {
      const c = await p.lt(X[i]!, Y[i]!, n);
      const asRing = await p.bitToRing(c, n);
      const [picked] = await p.select(c, n, [[X[i]!, Y[i]!]]);
      return [toBigints(await p.open(ring, asRing)), toBigints(await p.open(ring, picked!))];
    });
    const less = xs.map((x, j) => signed(x) < signed(ys[j]!));
    expect(out![0]).toEqual(less.map((l) => (l ? 1n : 0n)));
    expect(out![1]).toEqual(xs.map((x, j) => (less[j] ? x : ys[j]!)));
  });
});

describe.each(MODES)('gadgets (%s)', (mode) => {
  it('tallies a weighted secret ballot with public and with secret weights', async () => {
    const voters = 300;
    for (const options of [3, 5]) {
      // Choices are indices of ballotChoiceBits(options) bits; the ones >= options count for nothing.
      const range = 2 ** ballotChoiceBits(options);
      const choices = Array.from({ length: voters }, (_, v) =>
        BigInt(v % 11 === 0 ? range - 1 : v % options),
      );
      const weights = Array.from({ length: voters }, () => randomU64() >> 20n);
      const expected = Array.from({ length: options }, (_, j) =>
        choices.reduce((sum, c, v) => (c === BigInt(j) ? (sum + weights[v]!) & MASK : sum), 0n),
      );
      const C = shareBits(choices, ballotChoiceBits(options));
      const W = shareValues(weights);
      const pub = await runParties(mode, (p, i) =>
        ballotTally(p, { choices: C[i]!, voters, options, weights: { public: weights } }),
      );
      const sec = await runParties(mode, (p, i) =>
        ballotTally(p, { choices: C[i]!, voters, options, weights: { secret: W[i]! } }),
      );
      for (const result of [...pub, ...sec]) expect(result).toEqual(expected);
    }
    expect(() => shareBits([4n], 2)).toThrow(RangeError);
  });

  it('checks the holder cap and balance thresholds', async () => {
    const balances = [0n, 5n, -3n, 0n, 7n, 1n << 62n, -(1n << 63n), (1n << 63n) - 1n, 1n];
    const positive = balances.filter((b) => b > 0n).length;
    const B = shareValues(balances);
    for (const cap of [positive - 1, positive, positive + 1]) {
      const [within] = await runParties(mode, (p, i) =>
        holderCapCheck(p, { balances: B[i]!, cap: BigInt(cap) }),
      );
      expect(within).toBe(positive <= cap);
    }
    const thresholds = balances.map((_, j) => [5n, 6n, -3n, 1n][j % 4]!);
    const [meets] = await runParties(mode, (p, i) => thresholdCheck(p, { balances: B[i]!, thresholds }));
    expect(meets).toEqual(balances.map((b, j) => b >= thresholds[j]!));
  });

  it('totals range-checked balances: out of [0, 2^(63 - ceil log2 n)) counts as 0, never wraps', async () => {
    const cases: [bigint[], bigint, boolean][] = [
      [[600n, 400n], 1000n, true],
      [[600n, 399n], 1000n, false],
      [[2000n, -1500n], 1000n, true], // the negative balance counts as 0
      [[3n << 61n, 3n << 61n, 3n << 61n], 1000n, false], // would wrap to 2^61
      [[(1n << 62n) - 1n, (1n << 62n) - 1n], (1n << 63n) - 2n, true], // n = 2: the largest in range
      [[1n << 62n, 5n], 5n, true], // n = 2: 2^62 is out of range
      [[1n << 62n, 5n], 6n, false],
      [[(1n << 63n) - 1n], (1n << 63n) - 1n, true], // n = 1: any non-negative value
    ];
    for (const [balances, threshold, expected] of cases) {
      const B = shareValues(balances);
      const [atLeast] = await runParties(mode, (p, i) => totalAtLeast(p, { balances: B[i]!, threshold }));
      expect(atLeast, `${balances} >= ${threshold}`).toBe(expected);
    }
  });

  it('runs first- and second-price sealed-bid auctions', async () => {
    const cases = [
      [3n, 9n, -1n, 9n, 4n, 8n, 2n],
      [-(1n << 63n), (1n << 63n) - 1n, 0n],
      Array.from({ length: 37 }, () => signed(randomU64())),
      [42n],
    ];
    for (const bids of cases) {
      const max = maxOf(bids);
      const winner = bids.indexOf(max);
      const rest = bids.filter((_, j) => j !== winner);
      const second = rest.length === 0 ? -(1n << 63n) : maxOf(rest);
      const B = shareValues(bids);
      const [first] = await runParties(mode, (p, i) =>
        sealedBidAuction(p, { bids: B[i]!, pricing: 'first' }),
      );
      const [vickrey] = await runParties(mode, (p, i) =>
        sealedBidAuction(p, { bids: B[i]!, pricing: 'second' }),
      );
      expect(first).toEqual({ winner, price: max });
      expect(vickrey).toEqual({ winner, price: second });
    }
  });
});

describe('checkSizes (malicious mode: buckets and opened triples)', () => {
  // binom(m, k) >= 2^bits, exactly (bigints).
  const binomialAtLeast = (m: number, k: number, bits: number) => {
    let num = 1n;
    let den = 1n;
    for (let i = 0; i < k; i++) {
      num *= BigInt(m - i);
      den *= BigInt(i + 1);
    }
    return num / den >= 1n << BigInt(bits);
  };

  it('keeps a cheater below 2^-40 over all chunks, with the fewest triples, for any size', () => {
    for (const [n, chunks] of [
      [1, 1],
      [3, 1],
      [100, 1],
      [1024, 1],
      [VERIFY_CHUNK, 1],
      [VERIFY_CHUNK, 64],
    ] as const) {
      const { bucket, cut } = checkSizes(n, chunks);
      const m = n * bucket + cut;
      const bits = STATISTICAL_SECURITY + Math.log2(chunks);
      expect(binomialAtLeast(m, bucket, bits), `n=${n}: binom(M, B) >= 2^${bits}`).toBe(true);
      expect(binomialAtLeast(m, cut, bits), `n=${n}: binom(M, C) >= 2^${bits}`).toBe(true);
      expect(cut).toBeGreaterThanOrEqual(1);
    }
    expect(checkSizes(VERIFY_CHUNK, 16)).toEqual({ bucket: 3, cut: 3 });
  });
});

describe('issue 16, low', () => {
  it('draws every permutation position uniformly (rejection sampling, no modulo bias)', () => {
    // m = 3: 6 permutations; over many seeds each appears ~1/6 of the time.
    const counts = new Map<string, number>();
    const runs = 6000;
    for (let r = 0; r < runs; r++) {
      const seed = new Uint8Array(32);
      new DataView(seed.buffer).setUint32(0, r);
      const key = [...permutation(seed, 3)].join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - runs / 6)).toBeLessThan(150);
    expect([...permutation(new Uint8Array(32), 1000)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  it('refuses a block sum over 2^21 - 1 elements (its high word would lose precision)', () => {
    expect(() => blockSums(new Uint32Array(2 * (MAX_BLOCK_SUM + 1)), 1, MAX_BLOCK_SUM + 1)).toThrow(
      RangeError,
    );
    const x = new Uint32Array(2 * 4).fill(0xffffffff);
    expect([...blockSums(x, 1, 4)]).toEqual([0xfffffffc, 0xffffffff]);
  });
});
