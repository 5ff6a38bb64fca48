/**
 * The computations the committee runs, as the chain sees them: the ABI encoding of each kind's
 * parameters (`requestComputation`) and output (`postResult`), and what an input carries. One place
 * for clients (request, submit, read) and nodes (decode, compute, encode). See
 * contracts/privacy/README.md for the table.
 */
import { type Address, decodeAbiParameters, encodeAbiParameters, type Hex } from 'viem';
import { ballotChoiceBits } from './mpc/gadgets.js';

/** `IMpcCommittee.ComputationKind`. */
export const ComputationKind = {
  SecretBallot: 0,
  HolderCap: 1,
  BalanceThreshold: 2,
  SealedBidAuction: 3,
} as const;
export type ComputationKind = (typeof ComputationKind)[keyof typeof ComputationKind];

/** `IMpcCommittee.Status`. */
export const ComputationStatus = {
  None: 0,
  Collecting: 1,
  Computing: 2,
  Finalized: 3,
  Expired: 4,
  Cancelled: 5,
} as const;

/** Secret ballot choices, in the order of the posted totals. */
export const BallotChoice = { Yes: 0, No: 1, Abstain: 2 } as const;
export const BALLOT_CHOICES = 3;

/** Largest public amount (cap, threshold) the ring comparisons take: signed 64-bit values. */
export const MAX_AMOUNT = (1n << 63n) - 1n;

export type ComputationParams =
  | { kind: typeof ComputationKind.SecretBallot; governance: Address; proposalId: bigint; choices: number }
  | {
      kind: typeof ComputationKind.HolderCap;
      token: Address;
      cap: bigint;
      /** The only account whose input counts (the issuer, which holds the cap table). */
      provider: Address;
    }
  | {
      kind: typeof ComputationKind.BalanceThreshold;
      token: Address;
      investor: Address;
      threshold: bigint;
      /** The only account whose input counts (the issuer or the requester). */
      provider: Address;
    }
  | { kind: typeof ComputationKind.SealedBidAuction; basket: Address; lot: bigint };

export type ComputationOutput =
  | { kind: typeof ComputationKind.SecretBallot; totals: bigint[] }
  | { kind: typeof ComputationKind.HolderCap; withinCap: boolean }
  | { kind: typeof ComputationKind.BalanceThreshold; atLeast: boolean }
  | { kind: typeof ComputationKind.SealedBidAuction; winner: Address; price: bigint };

const paramTypes = {
  [ComputationKind.SecretBallot]: [{ type: 'address' }, { type: 'uint256' }, { type: 'uint8' }],
  [ComputationKind.HolderCap]: [{ type: 'address' }, { type: 'uint256' }, { type: 'address' }],
  [ComputationKind.BalanceThreshold]: [
    { type: 'address' },
    { type: 'address' },
    { type: 'uint256' },
    { type: 'address' },
  ],
  [ComputationKind.SealedBidAuction]: [{ type: 'address' }, { type: 'uint256' }],
} as const;

/** A parameter or output that the committee cannot work with (bad encoding, out of range). */
export class ComputationError extends Error {
  override name = 'ComputationError';
}

export function encodeParams(params: ComputationParams): Hex {
  switch (params.kind) {
    case ComputationKind.SecretBallot:
      return encodeAbiParameters(paramTypes[params.kind], [
        params.governance,
        params.proposalId,
        params.choices,
      ]);
    case ComputationKind.HolderCap:
      return encodeAbiParameters(paramTypes[params.kind], [params.token, params.cap, params.provider]);
    case ComputationKind.BalanceThreshold:
      return encodeAbiParameters(paramTypes[params.kind], [
        params.token,
        params.investor,
        params.threshold,
        params.provider,
      ]);
    case ComputationKind.SealedBidAuction:
      return encodeAbiParameters(paramTypes[params.kind], [params.basket, params.lot]);
  }
}

/** Decodes and range-checks a computation's parameters; throws `ComputationError`. */
export function decodeParams(kind: number, data: Hex): ComputationParams {
  try {
    switch (kind) {
      case ComputationKind.SecretBallot: {
        const [governance, proposalId, choices] = decodeAbiParameters(paramTypes[kind], data);
        if (choices < 2) throw new ComputationError(`a ballot needs at least 2 choices, not ${choices}`);
        return { kind, governance, proposalId, choices };
      }
      case ComputationKind.HolderCap: {
        const [token, cap, provider] = decodeAbiParameters(paramTypes[kind], data);
        return { kind, token, cap: amount(cap, 'cap'), provider };
      }
      case ComputationKind.BalanceThreshold: {
        const [token, investor, threshold, provider] = decodeAbiParameters(paramTypes[kind], data);
        return { kind, token, investor, threshold: amount(threshold, 'threshold'), provider };
      }
      case ComputationKind.SealedBidAuction: {
        const [basket, lot] = decodeAbiParameters(paramTypes[kind], data);
        return { kind, basket, lot };
      }
    }
  } catch (error) {
    if (error instanceof ComputationError) throw error;
    throw new ComputationError(`parameters of kind ${kind} do not decode`);
  }
  throw new ComputationError(`unknown computation kind ${kind}`);
}

function amount(value: bigint, what: string): bigint {
  if (value > MAX_AMOUNT) throw new ComputationError(`${what} ${value} exceeds 2^63 - 1`);
  return value;
}

/**
 * Who may supply inputs: the provider named in the parameters for the cap-table checks (anyone
 * else's input is ignored), anyone for ballots and auctions (one input per submitter counts).
 */
export function inputProvider(params: ComputationParams): Address | undefined {
  return params.kind === ComputationKind.HolderCap || params.kind === ComputationKind.BalanceThreshold
    ? params.provider
    : undefined;
}

/** Values per input: a ballot carries its choice's bits, an auction one bid, the checks >= 1 balances. */
export function inputShape(params: ComputationParams): { values: number; exact: boolean } {
  switch (params.kind) {
    case ComputationKind.SecretBallot:
      return { values: ballotChoiceBits(params.choices), exact: true };
    case ComputationKind.SealedBidAuction:
      return { values: 1, exact: true };
    default:
      return { values: 1, exact: false };
  }
}

export function encodeOutput(output: ComputationOutput): Hex {
  switch (output.kind) {
    case ComputationKind.SecretBallot:
      return encodeAbiParameters([{ type: 'uint256[]' }], [output.totals]);
    case ComputationKind.HolderCap:
      return encodeAbiParameters([{ type: 'bool' }], [output.withinCap]);
    case ComputationKind.BalanceThreshold:
      return encodeAbiParameters([{ type: 'bool' }], [output.atLeast]);
    case ComputationKind.SealedBidAuction:
      return encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [output.winner, output.price]);
  }
}

export function decodeOutput(kind: number, data: Hex): ComputationOutput {
  switch (kind) {
    case ComputationKind.SecretBallot: {
      const [totals] = decodeAbiParameters([{ type: 'uint256[]' }], data);
      return { kind, totals: [...totals] };
    }
    case ComputationKind.HolderCap:
      return { kind, withinCap: decodeAbiParameters([{ type: 'bool' }], data)[0] };
    case ComputationKind.BalanceThreshold:
      return { kind, atLeast: decodeAbiParameters([{ type: 'bool' }], data)[0] };
    case ComputationKind.SealedBidAuction: {
      const [winner, price] = decodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], data);
      return { kind, winner, price };
    }
  }
  throw new ComputationError(`unknown computation kind ${kind}`);
}
