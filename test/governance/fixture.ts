import {
  type Abi,
  type Address,
  encodeFunctionData,
  type Hex,
  maxUint256,
  parseEther,
  parseEventLogs,
  zeroHash,
} from 'viem';
import { governanceAbi, neuronsAbi } from '../../agents/generated/abis.js';
import { type FollowGraph, type Topic, Vote } from '../../agents/governance/nns.js';
import { type AgentConfig, parseConfig, type Role } from '../../agents/runtime/index.js';
import { type Clients, deploy } from '../runtime/helpers.js';
import { followingCalls } from './graphs.js';

const DAY = 86_400;
const YEAR = 365 * DAY;
/** NNS horizons and windows; bonuses as in the NNS. */
export const neuronConfig = { epoch: DAY, maxDelay: 8 * YEAR, maxAge: 4 * YEAR, minDelay: 183 * DAY };
const windows = { votingPeriod: 4 * DAY, waitForQuiet: 2 * DAY };
const params = {
  delayBonusBps: 10_000,
  ageBonusBps: 2_500,
  maxOpenProposals: 5,
  executionDelay: DAY,
  // Charged against the proposer neuron's stake: small enough for the test neurons' stakes.
  rejectFee: 1n,
  executionWindow: 7 * DAY,
};

export type Deployed = { governance: Address; neurons: Address; token: Address; tokenAbi: Abi };

/** Deploys the stake token, the identity registry (verifying the deployer) and Governance. */
export async function deployGovernance(clients: Clients): Promise<Deployed> {
  const owner = clients.wallet.account.address;
  const token = await deploy(clients, 'TestToken.sol', 'TestToken');
  const registry = await deploy(clients, 'TestIdentityRegistry.sol', 'TestIdentityRegistry');
  const gov = await deploy(clients, 'Governance.sol', 'Governance', [
    token.address,
    registry.address,
    neuronConfig,
    windows,
    params,
  ]);
  await sendAll(clients, [
    {
      to: registry.address,
      data: encodeFunctionData({ abi: registry.abi, functionName: 'setVerified', args: [owner, true] }),
    },
    {
      to: token.address,
      data: encodeFunctionData({
        abi: token.abi,
        functionName: 'mint',
        args: [owner, parseEther('1000000000')],
      }),
    },
  ]);
  const neurons = await clients.public.readContract({
    address: gov.address,
    abi: governanceAbi,
    functionName: 'neurons',
  });
  await sendAll(clients, [
    {
      to: token.address,
      data: encodeFunctionData({ abi: token.abi, functionName: 'approve', args: [neurons, maxUint256] }),
    },
    {
      to: token.address,
      data: encodeFunctionData({ abi: token.abi, functionName: 'approve', args: [gov.address, maxUint256] }),
    },
  ]);
  return { governance: gov.address, neurons, token: token.address, tokenAbi: token.abi };
}

type Call = { to: Address; data: Hex };

/**
 * Sends calls from the deployer, many per block: automine off, as many transactions as fit in the
 * block gas limit (at `gas` each) sent with explicit nonces, then one block mined; automine back
 * on at the end. Throws if the last transaction of a block reverted.
 */
export async function sendAll(clients: Clients, calls: readonly Call[], gas = 500_000n): Promise<void> {
  if (calls.length === 0) return;
  const { wallet, public: client, test } = clients;
  const { gasLimit } = await client.getBlock();
  const perBlock = Number(gasLimit / gas);
  let nonce = await client.getTransactionCount({ address: wallet.account.address, blockTag: 'pending' });
  await test.setAutomine(false);
  try {
    for (let i = 0; i < calls.length; i += perBlock) {
      const hashes = await Promise.all(
        calls.slice(i, i + perBlock).map((call) =>
          wallet.sendTransaction({
            ...call,
            nonce: nonce++,
            gas,
            maxFeePerGas: 1_000_000_000_000n,
            maxPriorityFeePerGas: 1n,
          }),
        ),
      );
      await test.mine({ blocks: 1 });
      const receipt = await client.waitForTransactionReceipt({ hash: hashes.at(-1)!, pollingInterval: 20 });
      if (receipt.status !== 'success')
        throw new Error(`setup transaction ${receipt.transactionHash} reverted`);
    }
  } finally {
    await test.setAutomine(true);
  }
}

/**
 * Stakes neurons 1..n (ineligible ones with no dissolve delay), then sets every follow list of
 * `graph`. Neuron ids are assigned in staking order, so graph node k is neuron k.
 */
export async function stakeAndFollow(
  clients: Clients,
  deployed: Deployed,
  { graph, eligible }: { graph: FollowGraph; eligible: (neuron: number) => boolean },
): Promise<void> {
  const ids = [...graph.keys()].sort((a, b) => a - b);
  await sendAll(
    clients,
    ids.map((id) => ({
      to: deployed.neurons,
      data: encodeFunctionData({
        abi: neuronsAbi,
        functionName: 'stake',
        args: [parseEther('1') * BigInt(1 + (id % 7)), eligible(id) ? neuronConfig.maxDelay : 0],
      }),
    })),
  );
  const count = await clients.public.readContract({
    address: deployed.neurons,
    abi: neuronsAbi,
    functionName: 'neuronCount',
  });
  if (count !== ids.length) throw new Error(`staked ${count} neurons, expected ${ids.length}`);
  await sendAll(
    clients,
    followingCalls(graph).map(({ neuron, topic, followees }) => ({
      to: deployed.governance,
      data: encodeFunctionData({
        abi: governanceAbi,
        functionName: 'setFollowing',
        args: [neuron, topic, followees],
      }),
    })),
  );
}

export type ProposalAction = { target: Address; value: bigint; data: Hex };

/**
 * Creates a `topic` proposal by neuron `proposer` (its yes ballot is cast); returns its id. The topic follows from
 * the actions: the deployer (Governance's registrar) first registers each action's (target, selector) under `topic`.
 */
export async function propose(
  clients: Clients,
  governance: Address,
  proposer: number,
  topic: Topic,
  actions: readonly ProposalAction[] = [{ target: governance, value: 0n, data: '0x' }],
): Promise<bigint> {
  const entries = actions.map(({ target, data }) => ({
    target,
    // The first four bytes of the call data, zero-padded (as the contract reads it).
    selector: `${data.slice(0, 10)}${'0'.repeat(10 - Math.min(10, data.length))}` as Hex,
    topic,
  }));
  await clients.public.waitForTransactionReceipt({
    hash: await clients.wallet.writeContract({
      address: governance,
      abi: governanceAbi,
      functionName: 'setActionTopics',
      args: [entries],
    }),
    pollingInterval: 20,
  });
  const hash = await clients.wallet.writeContract({
    address: governance,
    abi: governanceAbi,
    functionName: 'propose',
    args: [proposer, actions, 'ipfs://stoa-test', zeroHash],
  });
  const receipt = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  const [created] = parseEventLogs({ abi: governanceAbi, eventName: 'ProposalCreated', logs: receipt.logs });
  return created!.args.proposalId;
}

/** Casts the direct votes (skipping neurons that already have a ballot); returns the block of the last one. */
export async function castVotes(
  clients: Clients,
  governance: Address,
  proposal: bigint,
  votes: ReadonlyMap<number, Vote>,
): Promise<bigint> {
  const calls: Call[] = [];
  for (const [neuron, vote] of votes) {
    const current = await clients.public.readContract({
      address: governance,
      abi: governanceAbi,
      functionName: 'ballot',
      args: [proposal, neuron],
    });
    if (current !== 0) continue;
    calls.push({
      to: governance,
      data: encodeFunctionData({
        abi: governanceAbi,
        functionName: 'vote',
        args: [proposal, neuron, vote === Vote.Yes],
      }),
    });
  }
  await sendAll(clients, calls);
  return clients.public.getBlockNumber();
}

/** Every ballot of neurons 1..n on the proposal (None omitted). */
export async function onChainBallots(
  clients: Clients,
  governance: Address,
  proposal: bigint,
  n: number,
): Promise<Map<number, Vote>> {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const votes = await Promise.all(
    ids.map((id) =>
      clients.public.readContract({
        address: governance,
        abi: governanceAbi,
        functionName: 'ballot',
        args: [proposal, id],
      }),
    ),
  );
  return new Map(ids.flatMap((id, i) => (votes[i] === 0 ? [] : [[id, votes[i] as Vote] as const])));
}

/** The agent config of a governance role on the test stack (no confirmations, fast polling, quiet logs). */
export function agentConfig(args: {
  rpcUrl: string;
  redisUrl: string;
  governance: Address;
  role: Role;
  settings?: Record<string, unknown>;
  sweepCron?: string;
  /** Redis prefix: each independent agent of a role (e.g. each owner's neuron client) needs its own. */
  prefix?: string;
  /** WS endpoint: new heads wake the ingestor at once (benchmarks of latency). */
  wsUrl?: string;
}): AgentConfig {
  return parseConfig({
    raw: {
      chain: {
        chain_id: 31337,
        rpc_url: args.rpcUrl,
        ...(args.wsUrl ? { ws_url: args.wsUrl } : {}),
        startup_attempts: 2,
        request_timeout_ms: 60_000,
      },
      redis: { url: args.redisUrl, prefix: args.prefix ?? 'stoa' },
      contracts: { governance: { address: args.governance, start_block: 0 } },
      ingest: { confirmations: 0, poll_interval_ms: 50, max_block_range: 200 },
      queue: { backoff_ms: 100, lock_ms: 10_000 },
      sweep: args.sweepCron ? { enabled: true, cron: args.sweepCron } : { enabled: false },
      sender: { poll_interval_ms: 20, confirmations: 1 },
      http: { port: 0 },
      log: { level: 'error' },
      shutdown_grace_ms: 2_000,
      role: args.settings ?? {},
    },
    roleSchema: args.role.config,
  });
}
