/**
 * Client side of a computation: read the epoch's encryption keys, share and encrypt a private input
 * the way its kind expects (a ballot choice as XOR-shared bits, amounts and bids as ring shares),
 * and read the posted output. Sending the transaction is the caller's (any viem wallet).
 */
import type { Address, Hex, PublicClient } from 'viem';
import { mpcCommitteeAbi } from '../generated/abis.js';
import {
  ComputationKind,
  type ComputationOutput,
  ComputationStatus,
  decodeOutput,
  decodeParams,
  inputShape,
} from './computations.js';
import { encryptInput, splitBitShares } from './inputs.js';

export type PrepareInputParameters = {
  client: PublicClient;
  committee: Address;
  computationId: bigint;
  /** The account that will call `submitInput`. */
  submitter: Address;
  /** A ballot: one choice index; a check: one or more balances; an auction: one bid. */
  values: readonly bigint[];
  /** The computation's parameters as emitted (`ComputationRequested.params`). */
  params: Hex;
};

/** Arguments of `submitInput(computationId, commitment, ciphertexts)`. */
export async function prepareInput({
  client,
  committee,
  computationId,
  submitter,
  values,
  params,
}: PrepareInputParameters): Promise<readonly [bigint, Hex, Hex[]]> {
  const computation = await client.readContract({
    address: committee,
    abi: mpcCommitteeAbi,
    functionName: 'computation',
    args: [computationId],
  });
  const [, keys] = await client.readContract({
    address: committee,
    abi: mpcCommitteeAbi,
    functionName: 'committee',
    args: [computation.epoch],
  });
  const decoded = decodeParams(computation.kind, params);
  const context = { chainId: await client.getChainId(), committee, computationId, submitter };
  const shares =
    decoded.kind === ComputationKind.SecretBallot
      ? splitBitShares(values, inputShape(decoded).values)
      : undefined;
  const input = encryptInput({
    ...(shares ? { shares } : { values }),
    encryptionKeys: keys,
    context,
  });
  return [computationId, input.commitment, input.ciphertexts];
}

/** The posted output of a computation, or undefined while it has none. */
export async function readOutput(
  client: PublicClient,
  committee: Address,
  computationId: bigint,
): Promise<ComputationOutput | undefined> {
  const [status, output] = await client.readContract({
    address: committee,
    abi: mpcCommitteeAbi,
    functionName: 'result',
    args: [computationId],
  });
  if (status !== ComputationStatus.Finalized) return undefined;
  const { kind } = await client.readContract({
    address: committee,
    abi: mpcCommitteeAbi,
    functionName: 'computation',
    args: [computationId],
  });
  return decodeOutput(kind, output);
}
