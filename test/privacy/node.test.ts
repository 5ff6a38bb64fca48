/**
 * The chain-integrated `mpc-node` role on a real anvil and a real redis-server: three in-process
 * nodes on real loopback TCP follow the MpcCommittee, open their shares of the encrypted inputs
 * from the logs, compute together and post a result signed by the committee, which the contract
 * verifies. A node that alters its messages in malicious mode makes the computation abort: no
 * result on chain. No log line carries a secret.
 */
import { Redis } from 'ioredis';
import { parseEventLogs } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mpcCommitteeAbi } from '../../agents/generated/abis.js';
import { readOutput } from '../../agents/privacy/client.js';
import { BallotChoice, ComputationKind, ComputationStatus } from '../../agents/privacy/computations.js';
import { deriveEncryptionKey, encryptionPublicKey } from '../../agents/privacy/mpc-node/role.js';
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

const BALANCES = [5_000_017n, 0n, 7_919_313n, 1_234_577n];
const INVESTOR = [600_011n, 400_009n];

describe('mpc-node on anvil with Redis', () => {
  let anvil: Service;
  let redis: Service;
  let chain: PrivacyChain;
  let nodes: Nodes | undefined;

  beforeAll(async () => {
    [anvil, redis] = await Promise.all([startAnvil(), startRedis()]);
    chain = await setupPrivacyChain(anvil.url);
  }, 120_000);

  afterAll(async () => {
    await nodes?.stop();
    await Promise.all([anvil?.stop(), redis?.stop()]);
  });

  const owner = () => chain.clients.wallet.account.address;
  const output = (id: bigint) => readOutput(chain.clients.public, chain.committee, id);

  it('tallies a secret ballot on a proposal from encrypted inputs to the signed tally on chain', async () => {
    nodes = await startNodes(chain, redis.url, { prefix: 'ballot' });
    const ballot = await request(chain, {
      kind: ComputationKind.SecretBallot,
      governance: chain.governance,
      proposalId: chain.proposalId,
      choices: 3,
    });
    const [v0, v1, v2] = chain.voters as [
      PrivacyChain['voters'][0],
      PrivacyChain['voters'][0],
      PrivacyChain['voters'][0],
    ];
    await submit(chain, ballot, v0, [BigInt(BallotChoice.No)]);
    await submit(chain, ballot, v1, [BigInt(BallotChoice.No)]);
    await submit(chain, ballot, v2, [BigInt(BallotChoice.Abstain)]);
    await submit(chain, ballot, v0, [BigInt(BallotChoice.Yes)]); // a voter's last ballot counts
    await closeInputs(chain);
    const tally = await waitFor(() => output(ballot.id), { what: 'the ballot result', timeoutMs: 60_000 });
    const [p0, p1, p2] = chain.power as [bigint, bigint, bigint];
    expect(p0 > 0n && p1 > 0n && p2 > 0n).toBe(true);
    expect(tally).toEqual({ kind: ComputationKind.SecretBallot, totals: [p0, p1, p2] });

    const [posted] = await chain.clients.public.getContractEvents({
      address: chain.committee,
      abi: mpcCommitteeAbi,
      eventName: 'ResultPosted',
      args: { computationId: ballot.id },
      fromBlock: 0n,
      strict: true,
    });
    expect(posted!.args.signers.length).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it('checks the holder cap and an investor threshold without revealing balances', async () => {
    const cap = await request(chain, {
      kind: ComputationKind.HolderCap,
      token: chain.token,
      provider: owner(),
      cap: 2n,
    });
    const loose = await request(chain, {
      kind: ComputationKind.HolderCap,
      token: chain.token,
      provider: owner(),
      cap: 3n,
    });
    const threshold = await request(chain, {
      kind: ComputationKind.BalanceThreshold,
      token: chain.token,
      investor: chain.voters[0]!.address,
      threshold: 1_000_000n,
      provider: owner(),
    });
    await submit(chain, cap, 'owner', BALANCES);
    await submit(chain, loose, 'owner', BALANCES);
    await submit(chain, threshold, 'owner', INVESTOR);
    await closeInputs(chain);
    const results = await waitFor(
      async () => {
        const all = await Promise.all([cap, loose, threshold].map((c) => output(c.id)));
        return all.every(Boolean) ? all : undefined;
      },
      { what: 'the cap-table results', timeoutMs: 60_000 },
    );
    expect(results).toEqual([
      { kind: ComputationKind.HolderCap, withinCap: false },
      { kind: ComputationKind.HolderCap, withinCap: true },
      { kind: ComputationKind.BalanceThreshold, atLeast: true },
    ]);
  }, 90_000);

  it('runs a sealed-bid auction revealing only the winner and the clearing price', async () => {
    const auction = await request(chain, {
      kind: ComputationKind.SealedBidAuction,
      basket: chain.governance,
      lot: 1n,
    });
    const [v0, v1, v2] = chain.voters as [
      PrivacyChain['voters'][0],
      PrivacyChain['voters'][0],
      PrivacyChain['voters'][0],
    ];
    await submit(chain, auction, v0, [310_000_123n]);
    await submit(chain, auction, v1, [870_000_457n]);
    await submit(chain, auction, v2, [555_000_789n]);
    await closeInputs(chain);
    const result = await waitFor(() => output(auction.id), { what: 'the auction result', timeoutMs: 60_000 });
    expect(result).toEqual({
      kind: ComputationKind.SealedBidAuction,
      winner: v1.address,
      price: 870_000_457n,
    });
  }, 90_000);

  it('writes no secret to the logs', () => {
    const text = nodes!.logs.flat().join('\n');
    expect(text).toContain('mpc computation done');
    const secrets = [...BALANCES.filter((b) => b > 0n), ...INVESTOR, 310_000_123n, 555_000_789n];
    const lines = nodes!.logs.flat();
    for (const value of secrets) {
      const forms = [value.toString(), value.toString(16).padStart(16, '0')];
      expect(lines.filter((l) => forms.some((f) => l.toLowerCase().includes(f)))).toEqual([]);
    }
    for (const key of chain.nodeKeys) {
      expect(text.toLowerCase()).not.toContain(key.slice(2).toLowerCase());
      expect(text.toLowerCase()).not.toContain(deriveEncryptionKey(key).slice(2));
      expect(encryptionPublicKey(deriveEncryptionKey(key))).toMatch(/^0x0[23]/);
    }
  });

  it('retries after a node goes down: its peers time out, the restarted node joins, the result is posted', async () => {
    const cap = await request(chain, {
      kind: ComputationKind.HolderCap,
      token: chain.token,
      provider: owner(),
      cap: 5n,
    });
    await submit(chain, cap, 'owner', BALANCES);
    await nodes!.restart(2, async () => {
      await closeInputs(chain);
      await waitFor(async () => nodes!.logs[0]!.some((l) => l.includes('peers not connected')), {
        what: 'node 0 to time out waiting for node 2',
        timeoutMs: 60_000,
      });
      expect(await output(cap.id)).toBeUndefined();
    });
    const result = await waitFor(() => output(cap.id), {
      what: 'the result after the restart',
      timeoutMs: 90_000,
    });
    expect(result).toEqual({ kind: ComputationKind.HolderCap, withinCap: true });
  }, 150_000);

  it('aborts without a result when a node alters its messages (malicious mode)', async () => {
    await nodes?.stop();
    const flip = (data: Uint8Array) => {
      const copy = data.slice();
      if (copy.length >= 8) copy[copy.length - 1]! ^= 1;
      return copy;
    };
    nodes = await startNodes(chain, redis.url, { prefix: 'tampered', tamper: { 1: flip } });
    const cap = await request(chain, {
      kind: ComputationKind.HolderCap,
      token: chain.token,
      provider: owner(),
      cap: 2n,
    });
    await submit(chain, cap, 'owner', BALANCES);
    await closeInputs(chain);
    await waitFor(
      async () => nodes!.logs.every((lines) => lines.some((l) => l.includes('mpc computation given up'))),
      { what: 'every node to give up', timeoutMs: 60_000 },
    );
    const text = nodes!.logs.flat().join('\n');
    expect(text).toContain('MpcAbortError');
    const [status] = await chain.clients.public.readContract({
      address: chain.committee,
      abi: mpcCommitteeAbi,
      functionName: 'result',
      args: [cap.id],
    });
    expect(status).toBe(ComputationStatus.Computing);
    const posted = await chain.clients.public.getContractEvents({
      address: chain.committee,
      abi: mpcCommitteeAbi,
      eventName: 'ResultPosted',
      args: { computationId: cap.id },
      fromBlock: 0n,
    });
    expect(parseEventLogs({ abi: mpcCommitteeAbi, logs: posted })).toHaveLength(0);
  }, 90_000);
  it("meets again when the nodes' attempt counters drifted apart (a node that tried alone)", async () => {
    await nodes?.stop();
    const cap = await request(chain, {
      kind: ComputationKind.HolderCap,
      token: chain.token,
      provider: owner(),
      cap: 2n,
    });
    await submit(chain, cap, 'owner', BALANCES);
    // Node 0 already ran attempt 1 alone (its peers had not seen the computation yet): without an
    // agreement it would run attempt 2 while its peers run attempt 1, and never meet them.
    const chainId = await chain.clients.public.getChainId();
    const client = new Redis(redis.url);
    await client.set(`drift-node0:${chainId}:mpc-node:attempt:${chain.committee.toLowerCase()}:${cap.id}`, 1);
    await client.quit();
    nodes = await startNodes(chain, redis.url, { prefix: 'drift' });
    await closeInputs(chain);
    const result = await waitFor(() => output(cap.id), { what: 'the result', timeoutMs: 60_000 });
    expect(result).toEqual({ kind: ComputationKind.HolderCap, withinCap: false });
    for (const lines of nodes.logs) {
      const done = lines
        .map((l) => JSON.parse(l))
        .filter((l) => l.msg === 'mpc computation done' && l.computation_id === cap.id.toString());
      expect(done.map((l) => l.attempt)).toEqual([2]);
    }
  }, 90_000);

  it('uses the encryption key its epoch registered (issue 16: fresh keys per epoch)', async () => {
    const epoch2 = chain.nodeKeys.map((k) => encryptionPublicKey(deriveEncryptionKey(k, 2n)));
    const hash = await chain.clients.wallet.writeContract({
      address: chain.committee,
      abi: mpcCommitteeAbi,
      functionName: 'setCommittee',
      args: [chain.nodeKeys.map((k) => privateKeyToAccount(k).address), epoch2, 2n],
    });
    await chain.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    const cap = await request(chain, {
      kind: ComputationKind.HolderCap,
      token: chain.token,
      provider: owner(),
      cap: 3n,
    });
    const { epoch } = await chain.clients.public.readContract({
      address: chain.committee,
      abi: mpcCommitteeAbi,
      functionName: 'computation',
      args: [cap.id],
    });
    expect(epoch).toBe(2n);
    await submit(chain, cap, 'owner', BALANCES);
    await closeInputs(chain);
    const result = await waitFor(() => output(cap.id), { what: 'the epoch-2 result', timeoutMs: 60_000 });
    expect(result).toEqual({ kind: ComputationKind.HolderCap, withinCap: true });
  }, 90_000);
});
