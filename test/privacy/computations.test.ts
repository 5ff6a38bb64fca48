/** Encodings of the committee's computations and the XOR sharing of ballot choices. */
import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  ComputationError,
  ComputationKind,
  type ComputationOutput,
  decodeOutput,
  decodeParams,
  encodeOutput,
  encodeParams,
  MAX_AMOUNT,
} from '../../agents/privacy/computations.js';
import { InputError, splitBitShares } from '../../agents/privacy/inputs.js';

const token = getAddress('0x00000000000000000000000000000000000000aa');

describe('computation encodings', () => {
  it('round-trips the parameters of every kind', () => {
    for (const params of [
      { kind: ComputationKind.SecretBallot, governance: token, proposalId: 7n, choices: 3 },
      { kind: ComputationKind.HolderCap, token, cap: 2000n, provider: token },
      {
        kind: ComputationKind.BalanceThreshold,
        token,
        investor: token,
        threshold: MAX_AMOUNT,
        provider: token,
      },
      { kind: ComputationKind.SealedBidAuction, basket: token, lot: 1n },
    ] as const) {
      expect(decodeParams(params.kind, encodeParams(params))).toEqual(params);
    }
  });

  it('refuses amounts outside the signed 64-bit ring, ballots of one choice and garbage', () => {
    const cap = encodeParams({
      kind: ComputationKind.HolderCap,
      token,
      cap: MAX_AMOUNT + 1n,
      provider: token,
    });
    expect(() => decodeParams(ComputationKind.HolderCap, cap)).toThrow(ComputationError);
    const ballot = encodeParams({
      kind: ComputationKind.SecretBallot,
      governance: token,
      proposalId: 1n,
      choices: 1,
    });
    expect(() => decodeParams(ComputationKind.SecretBallot, ballot)).toThrow(/at least 2 choices/);
    expect(() => decodeParams(ComputationKind.HolderCap, '0x1234')).toThrow(/do not decode/);
    expect(() => decodeParams(9, cap)).toThrow(/unknown computation kind 9/);
  });

  it('round-trips outputs', () => {
    for (const output of [
      { kind: ComputationKind.SecretBallot, totals: [5n, 0n, 2n ** 64n - 1n] },
      { kind: ComputationKind.HolderCap, withinCap: false },
      { kind: ComputationKind.BalanceThreshold, atLeast: true },
      { kind: ComputationKind.SealedBidAuction, winner: token, price: 870n },
    ] satisfies ComputationOutput[]) {
      expect(decodeOutput(output.kind, encodeOutput(output))).toEqual(output);
    }
  });
});

describe('splitBitShares', () => {
  it('XOR-shares each bit of each value, least significant first', () => {
    for (let rep = 0; rep < 20; rep++) {
      const [s0, s1, s2] = splitBitShares([2n, 1n], 2);
      const bits = s0.values.map((b, j) => b ^ s1.values[j]! ^ s2.values[j]!);
      expect(bits).toEqual([0n, 1n, 1n, 0n]);
      for (const s of [s0, s1, s2]) expect(s.values.every((b) => b === 0n || b === 1n)).toBe(true);
    }
  });

  it('refuses values that do not fit', () => {
    expect(() => splitBitShares([4n], 2)).toThrow(InputError);
    expect(() => splitBitShares([-1n], 2)).toThrow(InputError);
  });
});
