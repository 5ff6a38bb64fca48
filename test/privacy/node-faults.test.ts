/**
 * One malicious `mpc-node` against two honest ones, on anvil with Redis (issue 16): it cannot
 * choose which inputs count, cannot get an honest node slashed (nor brick the epoch), and an
 * honest node never signs two results for one computation. Inputs of the cap-table checks come
 * from the provider named in the parameters only.
 */
import { Redis } from 'ioredis';
import { type Hex, keccak256, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mpcCommitteeAbi } from '../../agents/generated/abis.js';
import { prepareInput, readOutput } from '../../agents/privacy/client.js';
import { BallotChoice, ComputationKind, ComputationStatus } from '../../agents/privacy/computations.js';
import { inputSetHash } from '../../agents/privacy/inputs.js';
import type { ComputationResult } from '../../agents/privacy/results.js';
import { type Service, startAnvil, startRedis } from '../../agents/stack/services.js';
import { waitFor } from '../runtime/helpers.js';
import {
  closeInputs,
  type Nodes,
  type PrivacyChain,
  request,
  setupPrivacyChain,
  startNodes,
  submit,
} from './fixture.js';

describe('mpc-node against a malicious node', () => {
  let anvil: Service;
  let redis: Service;
  let chain: PrivacyChain;
  let nodes: Nodes | undefined;
  let voters: [PrivacyChain['voters'][0], PrivacyChain['voters'][0], PrivacyChain['voters'][0]];

  beforeAll(async () => {
    [anvil, redis] = await Promise.all([startAnvil(), startRedis()]);
    chain = await setupPrivacyChain(anvil.url);
    voters = chain.voters as typeof voters;
  }, 120_000);

  afterEach(async () => {
    await nodes?.stop();
    nodes = undefined;
  });

  afterAll(async () => {
    await Promise.all([anvil?.stop(), redis?.stop()]);
  });

  const owner = () => chain.clients.wallet.account.address;
  const output = (id: bigint) => readOutput(chain.clients.public, chain.committee, id);
  const status = async (id: bigint) =>
    (
      await chain.clients.public.readContract({
        address: chain.committee,
        abi: mpcCommitteeAbi,
        functionName: 'result',
        args: [id],
      })
    )[0];
  const ballot = () =>
    request(chain, {
      kind: ComputationKind.SecretBallot,
      governance: chain.governance,
      proposalId: chain.proposalId,
      choices: 3,
    });
  const vote = async (computation: { id: bigint; params: Hex }) => {
    await submit(chain, computation, voters[0], [BigInt(BallotChoice.Yes)]);
    await submit(chain, computation, voters[1], [BigInt(BallotChoice.No)]);
    await submit(chain, computation, voters[2], [BigInt(BallotChoice.Abstain)]);
  };
  const gaveUp = (i: number, id: bigint) =>
    nodes!.logs[i]!.some((l) => l.includes('mpc computation given up') && l.includes(`"${id}"`));

  it('a node that claims inputs did not open cannot pick the tally: its false complaint aborts', async () => {
    // Node 1 claims it could open only voter 1's ballot (the attack that made the honest nodes
    // sign a tally of exactly that vote).
    nodes = await startNodes(chain, redis.url, {
      prefix: 'pick',
      misbehave: { 1: { rejectInputs: () => [0, 2] } },
    });
    const computation = await ballot();
    await vote(computation);
    await closeInputs(chain);
    await waitFor(async () => gaveUp(0, computation.id) && gaveUp(2, computation.id), {
      what: 'the honest nodes to give up',
      timeoutMs: 60_000,
    });
    expect(await status(computation.id)).toBe(ComputationStatus.Computing);
    const honest = [...nodes.logs[0]!, ...nodes.logs[2]!].join('\n');
    expect(honest).toContain('false complaint');
    expect(honest).not.toContain('mpc computation done');
  }, 90_000);

  it('a ciphertext that does not open is excluded for all, and the result names the inputs used', async () => {
    nodes = await startNodes(chain, redis.url, { prefix: 'exclude' });
    const computation = await ballot();
    await submit(chain, computation, voters[0], [BigInt(BallotChoice.Yes)]);
    // Voter 1's envelope for node 2 is copied from another submission: it does not open for node 2.
    const [, commitment, ciphertexts] = await prepareInput({
      client: chain.clients.public,
      committee: chain.committee,
      computationId: computation.id,
      submitter: voters[1].address,
      values: [BigInt(BallotChoice.No)],
      params: computation.params,
    });
    const [, , foreign] = await prepareInput({
      client: chain.clients.public,
      committee: chain.committee,
      computationId: computation.id,
      submitter: voters[2].address,
      values: [BigInt(BallotChoice.No)],
      params: computation.params,
    });
    ciphertexts[2] = foreign[2]!;
    await submitRaw(voters[1], computation.id, commitment, ciphertexts);
    await submit(chain, computation, voters[2], [BigInt(BallotChoice.Abstain)]);
    await closeInputs(chain);
    const tally = await waitFor(() => output(computation.id), { what: 'the tally', timeoutMs: 60_000 });
    const [p0, , p2] = chain.power as [bigint, bigint, bigint];
    expect(tally).toEqual({ kind: ComputationKind.SecretBallot, totals: [p0, 0n, p2] });
    const [posted] = await chain.clients.public.getContractEvents({
      address: chain.committee,
      abi: mpcCommitteeAbi,
      eventName: 'ResultPosted',
      args: { computationId: computation.id },
      fromBlock: 0n,
      strict: true,
    });
    expect((posted!.args as { inputSet?: Hex }).inputSet).toBe(inputSetHash([0, 2]));
    expect(nodes.logs[0]!.join('\n')).toContain('mpc input excluded');
  }, 90_000);

  it('leaves ballots without voting power out of the computation and of the input set', async () => {
    nodes = await startNodes(chain, redis.url, { prefix: 'weightless' });
    const computation = await ballot();
    const stranger = privateKeyToAccount(generatePrivateKey());
    await chain.clients.test.setBalance({ address: stranger.address, value: parseEther('1') });
    await submit(chain, computation, voters[0], [BigInt(BallotChoice.No)]);
    await submit(chain, computation, stranger, [BigInt(BallotChoice.Yes)]); // owns no neuron
    await closeInputs(chain);
    const tally = await waitFor(() => output(computation.id), { what: 'the tally', timeoutMs: 60_000 });
    expect(tally).toEqual({ kind: ComputationKind.SecretBallot, totals: [0n, chain.power[0]!, 0n] });
    const [posted] = await chain.clients.public.getContractEvents({
      address: chain.committee,
      abi: mpcCommitteeAbi,
      eventName: 'ResultPosted',
      args: { computationId: computation.id },
      fromBlock: 0n,
      strict: true,
    });
    expect(posted!.args.inputSet).toBe(inputSetHash([0]));
  }, 90_000);

  it('an honest node is never slashed: shrinking the inputs and withholding a signature collects no second one', async () => {
    // Attempt 1: node 1 claims two inputs did not open and, once the others signed, gives up
    // without sending its own signature; attempt 2: it behaves. It keeps every signature it gets.
    const seen: { signature: Hex; result: ComputationResult }[] = [];
    nodes = await startNodes(chain, redis.url, {
      prefix: 'slash',
      misbehave: {
        1: {
          rejectInputs: (attempt) => (attempt === 1 ? [0, 2] : []),
          withholdSignature: (attempt) => attempt === 1,
          onPeerSignature: (signature, result) => seen.push({ signature, result }),
        },
      },
    });
    const computation = await ballot();
    await vote(computation);
    await closeInputs(chain);
    const tally = await waitFor(() => output(computation.id), { what: 'the tally', timeoutMs: 90_000 });
    expect(tally).toEqual({ kind: ComputationKind.SecretBallot, totals: chain.power });

    // The attacker reports every pair of different messages it holds from one signer.
    const reporter = privateKeyToAccount(generatePrivateKey());
    await chain.clients.test.setBalance({ address: reporter.address, value: parseEther('1') });
    for (const a of seen) {
      for (const b of seen) {
        if (keccak256(a.signature) >= keccak256(b.signature)) continue;
        const evidence = (s: (typeof seen)[0]) => ({ ...s.result, signature: s.signature });
        await chain.clients.wallet
          .writeContract({
            address: chain.committee,
            abi: mpcCommitteeAbi,
            functionName: 'reportEquivocation',
            args: [computation.id, evidence(a), evidence(b)] as never,
            account: reporter,
          })
          .catch(() => undefined);
      }
    }
    for (const key of [chain.nodeKeys[0]!, chain.nodeKeys[2]!]) {
      const node = privateKeyToAccount(key).address;
      expect(
        await chain.clients.public.readContract({
          address: chain.committee,
          abi: mpcCommitteeAbi,
          functionName: 'isEquivocator',
          args: [node],
        }),
      ).toBe(false);
    }
    // The epoch still works: the next computation gets its result.
    const next = await request(chain, {
      kind: ComputationKind.HolderCap,
      token: chain.token,
      provider: owner(),
      cap: 5n,
    });
    await submit(chain, next, 'owner', [7n, 0n, 9n]);
    await closeInputs(chain);
    expect(await waitFor(() => output(next.id), { what: 'the next result', timeoutMs: 60_000 })).toEqual({
      kind: ComputationKind.HolderCap,
      withinCap: true,
    });
  }, 180_000);

  it('a node never signs a second result for one computation (the first is kept in Redis)', async () => {
    const computation = await ballot();
    await vote(computation);
    // Node 0 signed another result for this computation before (e.g. before a crash).
    const chainId = await chain.clients.public.getChainId();
    const client = new Redis(redis.url);
    await client.set(
      `again-node0:${chainId}:mpc-node:signed:${chain.committee.toLowerCase()}:${computation.id}`,
      JSON.stringify({ inputSet: inputSetHash([0]), output: '0x01' }),
    );
    await client.quit();
    nodes = await startNodes(chain, redis.url, { prefix: 'again' });
    await closeInputs(chain);
    await waitFor(async () => [0, 1, 2].every((i) => gaveUp(i, computation.id)), {
      what: 'every node to give up',
      timeoutMs: 60_000,
    });
    expect(await status(computation.id)).toBe(ComputationStatus.Computing);
    expect(nodes.logs[0]!.join('\n')).toContain('refusing to sign a second result');
  }, 90_000);

  it('counts only the provider named in the parameters, and refuses out-of-range balances', async () => {
    nodes = await startNodes(chain, redis.url, { prefix: 'provider' });
    const owner = chain.clients.wallet.account.address;
    const params = {
      kind: ComputationKind.BalanceThreshold,
      token: chain.token,
      investor: voters[0].address,
      threshold: 1_000_000n,
      provider: owner,
    } as const;
    const stranger = await request(chain, params);
    await submit(chain, stranger, 'owner', [600_011n]);
    await submit(chain, stranger, voters[1], [1n << 40n]); // not the provider: does not count
    // A negative balance counts as 0 (it used to pull the total under the threshold).
    const negative = await request(chain, params);
    await submit(chain, negative, 'owner', [2_000_000n, -1_500_000n]);
    // Three values of 3 * 2^61 used to wrap to a total of 2^61; out of range, they count as 0.
    const wrap = await request(chain, params);
    await submit(chain, wrap, 'owner', [3n << 61n, 3n << 61n, 3n << 61n]);
    await closeInputs(chain);
    const results = await waitFor(
      async () => {
        const all = await Promise.all([stranger, negative, wrap].map((c) => output(c.id)));
        return all.every(Boolean) ? all : undefined;
      },
      { what: 'the threshold results', timeoutMs: 60_000 },
    );
    expect(results).toEqual([
      { kind: ComputationKind.BalanceThreshold, atLeast: false },
      { kind: ComputationKind.BalanceThreshold, atLeast: true },
      { kind: ComputationKind.BalanceThreshold, atLeast: false },
    ]);
  }, 90_000);

  async function submitRaw(
    who: PrivacyChain['voters'][0],
    computationId: bigint,
    commitment: Hex,
    ciphertexts: Hex[],
  ) {
    const hash = await chain.clients.wallet.writeContract({
      address: chain.committee,
      abi: mpcCommitteeAbi,
      functionName: 'submitInput',
      args: [computationId, commitment, ciphertexts],
      account: who,
    });
    const receipt = await chain.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    expect(receipt.status).toBe('success');
  }
});
