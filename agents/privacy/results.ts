/**
 * Results signed by the MPC nodes: the EIP-712 message the MpcCommittee contract verifies.
 *
 * Domain: name "Stoa MpcCommittee", version "1", chain id, the committee contract.
 * Type: `Result(uint256 computationId,uint64 epoch,bytes32 inputsCommitment,bytes32 inputSet,bytes output)`.
 * A node signs one result per computation, over the computation's epoch, the final running inputs
 * commitment and the hash of the inputs that counted (`inputSetHash` in inputs.ts); signing a
 * second, different result for the same computation is equivocation and forfeits the node's bond.
 */
import { type Address, type Hex, hashTypedData, type LocalAccount, type TypedDataDefinition } from 'viem';

export const resultTypes = {
  Result: [
    { name: 'computationId', type: 'uint256' },
    { name: 'epoch', type: 'uint64' },
    { name: 'inputsCommitment', type: 'bytes32' },
    { name: 'inputSet', type: 'bytes32' },
    { name: 'output', type: 'bytes' },
  ],
} as const;

/** The signed fields of a result. */
export type ComputationResult = {
  computationId: bigint;
  epoch: bigint;
  inputsCommitment: Hex;
  /** `inputSetHash` of the inputs the output was computed on. */
  inputSet: Hex;
  output: Hex;
};

export type ResultTypedDataParameters = {
  chainId: number;
  /** Address of the MpcCommittee contract. */
  committee: Address;
  result: ComputationResult;
};

/** The EIP-712 typed data of a result, ready for `signTypedData` or `hashTypedData`. */
export function resultTypedData({
  chainId,
  committee,
  result,
}: ResultTypedDataParameters): TypedDataDefinition<typeof resultTypes, 'Result'> {
  return {
    domain: { name: 'Stoa MpcCommittee', version: '1', chainId, verifyingContract: committee },
    types: resultTypes,
    primaryType: 'Result',
    message: result,
  };
}

/** The digest the contract recovers signers from (`resultDigest` on chain). */
export function resultDigest(parameters: ResultTypedDataParameters): Hex {
  return hashTypedData(resultTypedData(parameters));
}

/** A node's 65-byte signature over a result. */
export function signResult({
  account,
  ...parameters
}: ResultTypedDataParameters & { account: LocalAccount }): Promise<Hex> {
  return account.signTypedData(resultTypedData(parameters));
}
