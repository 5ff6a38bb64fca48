import { randomBytes } from '@noble/hashes/utils.js';
import { bytesToHex, encodeAbiParameters, hexToBytes, keccak256, zeroAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { createEciesKeyPair, ECIES_OVERHEAD, eciesEncrypt } from '../../agents/privacy/ecies.js';
import {
  decodeNodePayload,
  decryptInput,
  encodeNodePayload,
  encryptInput,
  heldShareIndices,
  type InputContext,
  InputError,
  inputAssociatedData,
  inputCommitment,
  inputSetHash,
  reconstructShares,
  type ShareVector,
  shareCommitment,
  splitShares,
  toRing,
} from '../../agents/privacy/inputs.js';

const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;
const EDGES = [0n, 1n, TWO_63, TWO_64 - 1n, -1n, -TWO_63];

const nodeKeys = [createEciesKeyPair(), createEciesKeyPair(), createEciesKeyPair()];
const encryptionKeys = nodeKeys.map((k) => bytesToHex(k.publicKey));
const context: InputContext = {
  chainId: 31337,
  committee: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  computationId: 7n,
  submitter: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
};

function openAll(values: readonly bigint[], ctx = context) {
  const input = encryptInput({ values, encryptionKeys, context: ctx });
  const held = nodeKeys.map((key, i) =>
    decryptInput({
      privateKey: key.privateKey,
      nodeIndex: i,
      ciphertext: input.ciphertexts[i]!,
      commitment: input.commitment,
      context: ctx,
    }),
  );
  return { input, held };
}

describe('ring and replicated shares', () => {
  it('maps values to Z_2^64 with negatives as two complement', () => {
    expect(EDGES.map(toRing)).toEqual([0n, 1n, TWO_63, TWO_64 - 1n, TWO_64 - 1n, TWO_63]);
    expect(() => toRing(TWO_64)).toThrow(InputError);
    expect(() => toRing(-TWO_63 - 1n)).toThrow(InputError);
  });

  it('splits so that the three share vectors sum to the values', () => {
    const shares = splitShares(EDGES);
    expect(shares.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(reconstructShares(shares)).toEqual(EDGES.map(toRing));
    const view = new DataView(randomBytes(800).buffer);
    const random = Array.from({ length: 100 }, (_, j) => view.getBigUint64(j * 8));
    expect(reconstructShares(splitShares(random))).toEqual(random);
  });

  it('refuses an empty input and incomplete share sets', () => {
    expect(() => splitShares([])).toThrow(InputError);
    const [s0, s1] = splitShares([5n]);
    expect(() => reconstructShares([s0, s1])).toThrow(InputError);
  });

  it('gives node i the shares (s_i, s_(i+1) mod 3)', () => {
    expect([0, 1, 2].map(heldShareIndices)).toEqual([
      [0, 1],
      [1, 2],
      [2, 0],
    ]);
    expect(() => heldShareIndices(3)).toThrow(InputError);
  });
});

describe('encrypted inputs', () => {
  it('lets every node open its pair, and any two nodes reconstruct', () => {
    const values = [...EDGES, 42n];
    const { held } = openAll(values);
    held.forEach((pair, i) => {
      expect(pair.map((s) => s.index)).toEqual(heldShareIndices(i));
    });
    for (const [a, b] of [
      [0, 1],
      [1, 2],
      [2, 0],
    ] as const) {
      expect(reconstructShares([...held[a]!, ...held[b]!])).toEqual(values.map(toRing));
    }
    expect(held[0]![1]!.values).toEqual(held[1]![0]!.values);
  });

  it('produces 99 + 16k byte payloads in 74-byte envelopes', () => {
    expect(ECIES_OVERHEAD).toBe(74);
    for (const k of [1, 3]) {
      const { input } = openAll(Array.from({ length: k }, () => 1n));
      for (const ct of input.ciphertexts) expect(hexToBytes(ct).length).toBe(99 + 16 * k + 74);
    }
  });

  it('commits to the shares: keccak256(c_0 || c_1 || c_2)', () => {
    const salts = [0, 1, 2].map((j) => new Uint8Array(32).fill(j + 1));
    const shares = splitShares([9n]);
    const c = shares.map((s, j) => shareCommitment(s, salts[j]!)) as [
      `0x${string}`,
      `0x${string}`,
      `0x${string}`,
    ];
    expect(inputCommitment(c)).toBe(keccak256(`0x${c.map((x) => x.slice(2)).join('')}`));
    expect(shareCommitment({ index: 1, values: shares[0]!.values }, salts[0]!)).not.toBe(c[0]);
  });

  it('refuses an envelope copied into another submission, computation or node slot', () => {
    const { input } = openAll([1n]);
    const attempts: [InputContext, number][] = [
      [{ ...context, submitter: zeroAddress }, 0],
      [{ ...context, computationId: 8n }, 0],
      [{ ...context, chainId: 1 }, 0],
      [context, 1],
    ];
    for (const [ctx, claimed] of attempts) {
      expect(() =>
        decryptInput({
          privateKey: nodeKeys[0]!.privateKey,
          nodeIndex: claimed,
          ciphertext: input.ciphertexts[0]!,
          commitment: input.commitment,
          context: ctx,
        }),
      ).toThrow(/payload does not open/);
    }
  });

  it('refuses a payload under another commitment', () => {
    const a = openAll([1n]).input;
    const b = openAll([1n]).input;
    expect(() =>
      decryptInput({
        privateKey: nodeKeys[2]!.privateKey,
        nodeIndex: 2,
        ciphertext: a.ciphertexts[2]!,
        commitment: b.commitment,
        context,
      }),
    ).toThrow(/do not match the commitment/);
  });

  it('catches a client that gives two nodes different copies of a share', () => {
    const shares = splitShares([10n]);
    const salts = shares.map((_, j) => new Uint8Array(32).fill(j + 7));
    const commitments = shares.map((s, j) => shareCommitment(s, salts[j]!)) as [
      `0x${string}`,
      `0x${string}`,
      `0x${string}`,
    ];
    const forged: ShareVector = { index: 1, values: [shares[1]!.values[0]! + 1n] };
    const held = (i: number) =>
      heldShareIndices(i).map((j) => ({ share: i === 1 && j === 1 ? forged : shares[j]!, salt: salts[j]! }));
    const open = (i: number) => {
      const [a, b] = held(i);
      const ciphertext = eciesEncrypt({
        publicKey: nodeKeys[i]!.publicKey,
        plaintext: encodeNodePayload({ held: [a!, b!], otherCommitment: commitments[(i + 2) % 3]! }),
        associatedData: inputAssociatedData(context, i),
      });
      return () =>
        decryptInput({
          privateKey: nodeKeys[i]!.privateKey,
          nodeIndex: i,
          ciphertext: bytesToHex(ciphertext),
          commitment: inputCommitment(commitments),
          context,
        });
    };
    expect(open(0)).not.toThrow();
    expect(open(1)).toThrow(/do not match the commitment/);
  });

  it('hashes an input set as keccak256(abi.encode(uint256[] indices)), what the contract binds', () => {
    for (const indices of [[], [0, 2], [5], Array.from({ length: 300 }, (_, j) => j * 70_001)]) {
      expect(inputSetHash(indices)).toBe(
        keccak256(encodeAbiParameters([{ type: 'uint256[]' }], [indices.map(BigInt)])),
      );
    }
  });

  it('refuses malformed payloads', () => {
    const [s0, s1] = splitShares([1n, 2n]);
    const salt = new Uint8Array(32);
    const good = encodeNodePayload({
      held: [
        { share: s0!, salt },
        { share: s1!, salt },
      ],
      otherCommitment: keccak256('0x'),
    });
    expect(decodeNodePayload(good, 0).held[1].share.values).toEqual(s1!.values);
    const badVersion = good.slice();
    badVersion[0] = 2;
    expect(() => decodeNodePayload(badVersion, 0)).toThrow(/version/);
    expect(() => decodeNodePayload(good.subarray(0, good.length - 1), 0)).toThrow(/malformed/);
    expect(() => encryptInput({ values: [1n], encryptionKeys: encryptionKeys.slice(0, 2), context })).toThrow(
      InputError,
    );
  });
});

/**
 * Privacy of one node's view. Node i holds (a, b) = (s_i, s_(i+1)); for any input both must be
 * independent uniform 64-bit words. Each statistic below buckets 16 bins; a chi-square above
 * CRITICAL (df = 15, false-positive probability about 1e-7 per test) fails.
 */
const RUNS = 20_000;
const BINS = 16;
const CRITICAL = 60;

type View = readonly [bigint, bigint];
const STATISTICS: Record<string, (v: View) => number> = {
  'top bits of s_i': ([a]) => Number(a >> 60n),
  'top bits of s_(i+1)': ([, b]) => Number(b >> 60n),
  'low bits of s_i': ([a]) => Number(a & 15n),
  'low bits of s_(i+1)': ([, b]) => Number(b & 15n),
  'top bits of s_i + s_(i+1)': ([a, b]) => Number(BigInt.asUintN(64, a + b) >> 60n),
  'low bits of s_i + s_(i+1)': ([a, b]) => Number(BigInt.asUintN(64, a + b) & 15n),
  'low bits of s_i - s_(i+1)': ([a, b]) => Number(BigInt.asUintN(64, a - b) & 15n),
  'top bit pair': ([a, b]) => Number(((a >> 62n) << 2n) | (b >> 62n)),
};

function histogram(views: readonly View[], statistic: (v: View) => number): number[] {
  const counts = new Array<number>(BINS).fill(0);
  for (const v of views) counts[statistic(v)]!++;
  return counts;
}

function chiSquareUniform(counts: readonly number[]): number {
  const expected = counts.reduce((s, c) => s + c, 0) / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

/** Two-sample chi-square homogeneity statistic (equal sample sizes). */
function chiSquareSame(x: readonly number[], y: readonly number[]): number {
  return x.reduce((s, xi, i) => {
    const yi = y[i]!;
    return xi + yi === 0 ? s : s + (xi - yi) ** 2 / (xi + yi);
  }, 0);
}

function views(
  value: bigint,
  node: number,
  split: (values: readonly bigint[]) => readonly ShareVector[] = splitShares,
): View[] {
  const [first, second] = heldShareIndices(node);
  return Array.from({ length: RUNS }, () => {
    const shares = split([value]);
    return [shares[first]!.values[0]!, shares[second]!.values[0]!] as const;
  });
}

function worstStatistic(viewsA: readonly View[], viewsB: readonly View[]): number {
  let worst = 0;
  for (const statistic of Object.values(STATISTICS)) {
    const a = histogram(viewsA, statistic);
    const b = histogram(viewsB, statistic);
    worst = Math.max(worst, chiSquareUniform(a), chiSquareUniform(b), chiSquareSame(a, b));
  }
  return worst;
}

describe('one node learns nothing about the input', () => {
  it.each([0, 1, 2])(
    'node %i sees uniform, input-independent shares for inputs 0 and 2^63 + 12345',
    (node) => {
      expect(worstStatistic(views(0n, node), views(TWO_63 + 12_345n, node))).toBeLessThan(CRITICAL);
    },
  );

  it('would catch a splitter that leaks (s_2 = x - s_1, so node 1 sees s_1 + s_2 = x)', () => {
    const leaky = (values: readonly bigint[]): ShareVector[] => {
      const [s0, s1] = splitShares(values);
      return [s0!, s1!, { index: 2, values: values.map((x, j) => BigInt.asUintN(64, x - s1!.values[j]!)) }];
    };
    expect(worstStatistic(views(0n, 1, leaky), views(TWO_63 + 12_345n, 1, leaky))).toBeGreaterThan(CRITICAL);
  });
});
