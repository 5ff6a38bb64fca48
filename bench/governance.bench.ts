/**
 * Governance benchmarks (BENCHMARKS.md): `cascade-10k`, blocks from the root votes to a fully
 * resolved cascade of 10,000 neurons (random follow graph 8 layers deep with cycles) on anvil
 * with a 30M block gas limit, the cascade keeper alone resolving it; `planning_ms` is the
 * planner's time on the whole graph (median of 5), `reference_ms` the naive reference evaluator
 * on the same input, measured in the same run. `neuron-client-follow`: the neuron client's path,
 * from a followee's direct vote (its receipt) to the follower's vote cast by the client (the
 * ballot seen on chain), over a chain of 5 followers owned by one client (each hop waits for the
 * previous vote), median over 12 proposals; anvil automine, the client with WS new heads and no
 * confirmation depth.
 */
import { encodeFunctionData, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { governanceAbi, neuronsAbi } from '../agents/generated/abis.js';
import { cascadeKeeper } from '../agents/governance/cascade-keeper.js';
import { neuronClient } from '../agents/governance/neuron-client.js';
import { evaluateCascade, planCascade, Topic, Vote } from '../agents/governance/nns.js';
import { createAgent } from '../agents/runtime/index.js';
import { startAnvil, startRedis } from '../agents/stack/services.js';
import {
  agentConfig,
  castVotes,
  deployGovernance,
  neuronConfig,
  onChainBallots,
  propose,
  sendAll,
  stakeAndFollow,
} from '../test/governance/fixture.js';
import { randomFollowGraph } from '../test/governance/graphs.js';
import { agentKey, chainClients, waitFor } from '../test/runtime/helpers.js';
import { type Benchmark, percentile } from './result.js';

const NEURONS = 10_000;
const BLOCK_GAS_LIMIT = 30_000_000n;
const GAS_BUDGET = 24_000_000;

function timeMs(run: () => unknown, times = 5): number {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return percentile(samples, 50);
}

async function cascade10k() {
  const net = randomFollowGraph({ seed: 10_000, neurons: NEURONS, roots: 20, depth: 8 });
  const proposer = net.roots[0]!;
  const direct = new Map(net.ballots).set(proposer, Vote.Yes);
  const input = { graph: net.graph, topic: Topic.General, ballots: direct, eligible: net.eligible };
  const reference = evaluateCascade(input);
  const plan = planCascade({ ...input, gasBudget: GAS_BUDGET });
  const planningMs = timeMs(() => planCascade({ ...input, gasBudget: GAS_BUDGET }));
  const referenceMs = timeMs(() => evaluateCascade(input));

  const [anvil, redis] = await Promise.all([startAnvil({ gasLimit: BLOCK_GAS_LIMIT }), startRedis()]);
  try {
    const clients = chainClients(anvil.url);
    const deployed = await deployGovernance(clients);
    const setupStarted = performance.now();
    await stakeAndFollow(clients, deployed, net);
    const setupS = (performance.now() - setupStarted) / 1000;
    const proposal = await propose(clients, deployed.governance, proposer, Topic.General);
    // Root votes first, then the keeper: it starts from the whole set of root ballots.
    const rootsBlock = await castVotes(clients, deployed.governance, proposal, direct);
    const config = agentConfig({
      rpcUrl: anvil.url,
      redisUrl: redis.url,
      governance: deployed.governance,
      role: cascadeKeeper,
      settings: { gas_budget: GAS_BUDGET },
    });
    const agent = createAgent({ role: cascadeKeeper, config, privateKey: agentKey });
    const started = performance.now();
    await agent.start();
    await waitFor(
      async () =>
        (await onChainBallots(clients, deployed.governance, proposal, NEURONS)).size >= reference.size,
      { timeoutMs: 600_000, intervalMs: 1_000, what: 'the 10k cascade' },
    );
    const wallS = (performance.now() - started) / 1000;
    await agent.stop();
    const events = await clients.public.getContractEvents({
      address: deployed.governance,
      abi: governanceAbi,
      eventName: 'FollowerResolved',
      args: { proposalId: proposal },
      fromBlock: rootsBlock + 1n,
    });
    const txs = [...new Set(events.map((e) => e.transactionHash))];
    const receipts = await Promise.all(txs.map((hash) => clients.public.getTransactionReceipt({ hash })));
    const lastBlock = events.at(-1)?.blockNumber ?? rootsBlock;
    const gasUsed = receipts.map((r) => Number(r.gasUsed));
    return {
      name: 'cascade-10k',
      unit: 'blocks',
      value: Number(lastBlock - rootsBlock),
      planning_ms: Number(planningMs.toFixed(2)),
      reference_ms: Number(referenceMs.toFixed(2)),
      params: {
        neurons: NEURONS,
        roots: direct.size,
        derived_ballots: events.length,
        waves: plan.waves.length,
        planned_batches: plan.batches.length,
        resolve_txs: txs.length,
        gas_budget: GAS_BUDGET,
        block_gas_limit: Number(BLOCK_GAS_LIMIT),
        max_tx_gas: Math.max(...gasUsed),
        gas_per_follower: Math.round(gasUsed.reduce((a, b) => a + b, 0) / events.length),
        modelled_gas_per_follower: Math.round(
          plan.gas.reduce((a, b) => a + b, 0) / (reference.size - direct.size),
        ),
        keeper_wall_s: Number(wallS.toFixed(1)),
        setup_s: Number(setupS.toFixed(1)),
        goal_blocks: 6,
      },
    };
  } finally {
    await Promise.all([anvil.stop(), redis.stop()]);
  }
}

const SAMPLES = 12;
const HOPS = 5;

async function neuronClientFollow() {
  const [anvil, redis] = await Promise.all([startAnvil(), startRedis()]);
  try {
    const clients = chainClients(anvil.url);
    const deployed = await deployGovernance(clients);
    // Neurons 1..SAMPLES propose (one proposal each, heavy enough that no proposal is decided
    // early), SAMPLES+1 is the root that votes directly, the next HOPS follow one another.
    const root = SAMPLES + 1;
    const chain = Array.from({ length: HOPS }, (_, i) => root + 1 + i);
    const stake = (amount: bigint) => ({
      to: deployed.neurons,
      data: encodeFunctionData({
        abi: neuronsAbi,
        functionName: 'stake',
        args: [amount, neuronConfig.maxDelay],
      }),
    });
    await sendAll(clients, [
      ...Array.from({ length: SAMPLES }, () => stake(parseEther('1000'))),
      ...[root, ...chain].map(() => stake(parseEther('1'))),
    ]);
    const hot = privateKeyToAccount(agentKey).address;
    await sendAll(
      clients,
      chain.map((id) => ({
        to: deployed.neurons,
        data: encodeFunctionData({ abi: neuronsAbi, functionName: 'setHotKey', args: [id, hot] }),
      })),
    );
    const config = agentConfig({
      rpcUrl: anvil.url,
      wsUrl: anvil.url.replace(/^http/, 'ws'),
      redisUrl: redis.url,
      governance: deployed.governance,
      role: neuronClient,
      sweepCron: '* * * * * *',
      settings: {
        neurons: chain.map((id, i) => ({ id, following: { General: [i === 0 ? root : chain[i - 1]!] } })),
      },
    });
    const agent = createAgent({ role: neuronClient, config, privateKey: agentKey });
    await agent.start();
    const followees = (id: number) =>
      clients.public.readContract({
        address: deployed.governance,
        abi: governanceAbi,
        functionName: 'followees',
        args: [id, Topic.General],
      });
    await waitFor(async () => (await Promise.all(chain.map(followees))).every((l) => l.length === 1), {
      timeoutMs: 60_000,
      what: "the client's following",
    });
    const firstHop: number[] = [];
    const perHop: number[] = [];
    for (let sample = 1; sample <= SAMPLES; sample++) {
      const proposal = await propose(clients, deployed.governance, sample, Topic.General);
      const hash = await clients.wallet.writeContract({
        address: deployed.governance,
        abi: governanceAbi,
        functionName: 'vote',
        args: [proposal, root, true],
      });
      await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 5 });
      const voted = performance.now();
      const seen: number[] = [];
      for (const id of chain) {
        await waitFor(
          async () =>
            (await clients.public.readContract({
              address: deployed.governance,
              abi: governanceAbi,
              functionName: 'ballot',
              args: [proposal, id],
            })) === Vote.Yes,
          { timeoutMs: 30_000, intervalMs: 5, what: `neuron ${id}'s vote` },
        );
        seen.push(performance.now() - voted);
      }
      firstHop.push(seen[0]!);
      perHop.push(seen.at(-1)! / HOPS);
    }
    await agent.stop();
    return {
      name: 'neuron-client-follow',
      unit: 'ms',
      value: Number(percentile(firstHop, 50).toFixed(1)),
      p95_ms: Number(percentile(firstHop, 95).toFixed(1)),
      per_hop_ms: Number(percentile(perHop, 50).toFixed(1)),
      params: {
        samples: SAMPLES,
        hops: HOPS,
        transport: 'ws new heads + http',
        confirmations: 0,
        mining: 'anvil automine',
      },
    };
  } finally {
    await Promise.all([anvil.stop(), redis.stop()]);
  }
}

export default [
  { name: 'cascade-10k', run: cascade10k },
  { name: 'neuron-client-follow', run: neuronClientFollow },
] satisfies Benchmark[];
