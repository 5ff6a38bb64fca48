/**
 * The committee on a real anvil: deploy from forge artifacts, request a secret ballot, submit
 * encrypted inputs from TypeScript, let each node open its payloads from the logs, and post a
 * result signed by the three node keys with viem's signTypedData.
 */
import { readFileSync } from 'node:fs';
import {
  type Abi,
  type Account,
  type Address,
  BaseError,
  bytesToHex,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  decodeAbiParameters,
  encodeAbiParameters,
  type Hex,
  http,
  parseEther,
  zeroAddress,
  zeroHash,
} from 'viem';
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessManagerAbi, mpcCommitteeAbi } from '../../agents/generated/abis.js';
import { createEciesKeyPair } from '../../agents/privacy/ecies.js';
import {
  decryptInput,
  encryptInput,
  inputSetHash,
  nextInputsCommitment,
  reconstructShares,
  type ShareVector,
} from '../../agents/privacy/inputs.js';
import { resultDigest, signResult } from '../../agents/privacy/results.js';
import { type Service, startAnvil } from '../../agents/stack/services.js';

const MNEMONIC = 'test test test test test test test test test test test junk';
const SECRET_BALLOT = 0;
const COMPUTING = 2;
const FINALIZED = 3;
const TALLY = [{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }] as const;

const [admin, treasury, ...voters] = [0, 1, 2, 3, 4].map((addressIndex) =>
  mnemonicToAccount(MNEMONIC, { addressIndex }),
);
const signers = [0, 1, 2].map(() => privateKeyToAccount(generatePrivateKey()));
const encryption = [0, 1, 2].map(() => createEciesKeyPair());

function bytecode(contract: string): Hex {
  const artifact = JSON.parse(readFileSync(`out/${contract}.sol/${contract}.json`, 'utf8'));
  return artifact.bytecode.object;
}

let anvil: Service;
let publicClient: ReturnType<typeof createPublicClient>;
let testClient: ReturnType<typeof createTestClient>;
let committee: Address;

function wallet(account: Account) {
  return createWalletClient({ account, chain: foundry, transport: http(anvil.url) });
}

async function deploy(abi: Abi, contract: string, args: readonly unknown[]): Promise<Address> {
  const hash = await wallet(admin!).deployContract({ abi, bytecode: bytecode(contract), args });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  return receipt.contractAddress!;
}

/** Simulates then sends a committee call from `account`, and waits for it. */
async function send(
  account: Account,
  call: { functionName: string; args: readonly unknown[]; value?: bigint },
) {
  const { request } = await publicClient.simulateContract({
    account,
    address: committee,
    abi: mpcCommitteeAbi,
    ...call,
  } as Parameters<typeof publicClient.simulateContract>[0]);
  const hash = await wallet(account).writeContract(request);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe('success');
  return receipt;
}

async function requestBallot(): Promise<bigint> {
  const { timestamp } = await publicClient.getBlock();
  const params = encodeAbiParameters([{ type: 'uint256' }], [1n]);
  await send(admin!, { functionName: 'requestComputation', args: [SECRET_BALLOT, params, timestamp + 600n] });
  return publicClient.readContract({
    address: committee,
    abi: mpcCommitteeAbi,
    functionName: 'computationCount',
  });
}

async function closeInputs() {
  await testClient.increaseTime({ seconds: 601 });
  await testClient.mine({ blocks: 1 });
}

/** The revert of a failed simulation, decoded against the committee ABI. */
async function revertOf(
  promise: Promise<unknown>,
): Promise<{ errorName?: string; args?: readonly unknown[] }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BaseError);
  const reverted = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
  expect(reverted).toBeInstanceOf(ContractFunctionRevertedError);
  const data = (reverted as ContractFunctionRevertedError).data;
  return { errorName: data?.errorName, args: data?.args };
}

beforeAll(async () => {
  anvil = await startAnvil();
  publicClient = createPublicClient({ chain: foundry, transport: http(anvil.url) });
  testClient = createTestClient({ chain: foundry, mode: 'anvil', transport: http(anvil.url) });
  const manager = await deploy(accessManagerAbi, 'AccessManager', [admin!.address]);
  committee = await deploy(mpcCommitteeAbi, 'MpcCommittee', [
    manager,
    zeroAddress,
    parseEther('1'),
    3600n,
    treasury!.address,
    1000,
  ]);
  for (const signer of signers) {
    await send(admin!, {
      functionName: 'depositBond',
      args: [signer.address, parseEther('1')],
      value: parseEther('1'),
    });
  }
  const keys = encryption.map((k) => bytesToHex(k.publicKey));
  await send(admin!, { functionName: 'setCommittee', args: [signers.map((s) => s.address), keys, 2n] });
});

afterAll(async () => {
  await anvil?.stop();
});

describe('MpcCommittee on anvil', () => {
  it('takes encrypted inputs and accepts a tally signed by three nodes', async () => {
    const computationId = await requestBallot();
    const computation = await publicClient.readContract({
      address: committee,
      abi: mpcCommitteeAbi,
      functionName: 'computation',
      args: [computationId],
    });
    const [, encryptionKeys] = await publicClient.readContract({
      address: committee,
      abi: mpcCommitteeAbi,
      functionName: 'committee',
      args: [computation.epoch],
    });

    // Voters: one-hot (yes, no, abstain) weighted by voting power.
    const ballots = [
      [5n, 0n, 0n],
      [0n, 3n, 0n],
      [2n, 0n, 0n],
    ];
    for (const [j, values] of ballots.entries()) {
      const voter = voters[j % voters.length]!;
      const input = encryptInput({
        values,
        encryptionKeys,
        context: { chainId: foundry.id, committee, computationId, submitter: voter.address },
      });
      await send(voter, {
        functionName: 'submitInput',
        args: [computationId, input.commitment, input.ciphertexts],
      });
    }

    // Nodes: read the inputs from the logs, open their payloads, fold the running commitment.
    const logs = await publicClient.getContractEvents({
      address: committee,
      abi: mpcCommitteeAbi,
      eventName: 'InputSubmitted',
      args: { computationId },
      fromBlock: 0n,
    });
    expect(logs).toHaveLength(ballots.length);
    let inputsCommitment: Hex = zeroHash;
    const sums = encryption.map(() => new Map<number, bigint[]>());
    for (const log of logs) {
      const { submitter, commitment, ciphertexts } = log.args as {
        submitter: Address;
        commitment: Hex;
        ciphertexts: readonly Hex[];
      };
      inputsCommitment = nextInputsCommitment({
        previous: inputsCommitment,
        submitter,
        commitment,
        ciphertexts,
      });
      expect(log.args.inputsCommitment).toBe(inputsCommitment);
      encryption.forEach((key, i) => {
        const held = decryptInput({
          privateKey: key.privateKey,
          nodeIndex: i,
          ciphertext: ciphertexts[i]!,
          commitment,
          context: { chainId: foundry.id, committee, computationId, submitter },
        });
        for (const share of held) {
          const sum = sums[i]!.get(share.index) ?? [0n, 0n, 0n];
          sums[i]!.set(
            share.index,
            sum.map((s, k) => BigInt.asUintN(64, s + share.values[k]!)),
          );
        }
      });
    }
    // Addition is local on shares; two nodes' sums open the tally (the MPC layer does this for real).
    const opened: ShareVector[] = [...sums[0]!, ...sums[1]!].map(([index, values]) => ({ index, values }));
    const tally = reconstructShares(opened);
    expect(tally).toEqual([7n, 3n, 0n]);

    await closeInputs();
    const onChain = await publicClient.readContract({
      address: committee,
      abi: mpcCommitteeAbi,
      functionName: 'computation',
      args: [computationId],
    });
    expect(onChain.inputsCommitment).toBe(inputsCommitment);

    const result = {
      computationId,
      epoch: BigInt(computation.epoch),
      inputsCommitment,
      inputSet: inputSetHash([0, 1, 2]),
      output: encodeAbiParameters(TALLY, [tally[0]!, tally[1]!, tally[2]!]),
    };
    const params = { chainId: foundry.id, committee, result };
    expect(
      await publicClient.readContract({
        address: committee,
        abi: mpcCommitteeAbi,
        functionName: 'resultDigest',
        args: [computationId, computation.epoch, inputsCommitment, result.inputSet, result.output],
      }),
    ).toBe(resultDigest(params));
    const signatures = await Promise.all(signers.map((account) => signResult({ account, ...params })));
    await send(voters[0]!, {
      functionName: 'postResult',
      args: [computationId, result.inputSet, result.output, signatures],
    });

    const [status, output] = await publicClient.readContract({
      address: committee,
      abi: mpcCommitteeAbi,
      functionName: 'result',
      args: [computationId],
    });
    expect(status).toBe(FINALIZED);
    expect(decodeAbiParameters(TALLY, output)).toEqual([7n, 3n, 0n]);

    const replay = publicClient.simulateContract({
      account: voters[1]!,
      address: committee,
      abi: mpcCommitteeAbi,
      functionName: 'postResult',
      args: [computationId, result.inputSet, result.output, signatures],
    });
    expect(await revertOf(replay)).toEqual({
      errorName: 'MpcCommitteeAlreadyFinalized',
      args: [computationId],
    });
  });

  it('rejects a result signed by fewer nodes than the threshold', async () => {
    const computationId = await requestBallot();
    await closeInputs();
    const result = {
      computationId,
      epoch: 1n,
      inputsCommitment: zeroHash,
      inputSet: zeroHash,
      output: '0x01' as Hex,
    };
    const signature = await signResult({ account: signers[0]!, chainId: foundry.id, committee, result });
    const attempt = publicClient.simulateContract({
      account: voters[0]!,
      address: committee,
      abi: mpcCommitteeAbi,
      functionName: 'postResult',
      args: [computationId, result.inputSet, result.output, [signature]],
    });
    expect(await revertOf(attempt)).toEqual({ errorName: 'MpcCommitteeBelowThreshold', args: [1n, 2n] });
    const [status] = await publicClient.readContract({
      address: committee,
      abi: mpcCommitteeAbi,
      functionName: 'result',
      args: [computationId],
    });
    expect(status).toBe(COMPUTING);
  });
});
