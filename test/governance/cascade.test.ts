/**
 * Following on a real anvil and a real redis-server: 1,000 neurons with a random follow graph
 * (chains 8 layers deep, cycles, catch-all and Governance-only lists, ineligible neurons), three
 * owners' neuron clients (each its own agent, Redis prefix and hot key; they set their neurons'
 * following from their config, then vote for them once their followees determine them) and the
 * cascade keeper running; a proposal and a few root votes. The final ballots must equal the
 * reference evaluator's, and every derived ballot must have its provenance event: a
 * `FollowerResolved` naming followees that decided it, or the `VoteCast` of the neuron's client
 * signed with its hot key. Once the proposal is settled, the keeper drops its eligibility cache.
 */
import { type Address, encodeFunctionData, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceAbi, neuronsAbi } from '../../agents/generated/abis.js';
import { cachedProposals, cascadeKeeper } from '../../agents/governance/cascade-keeper.js';
import { neuronClient } from '../../agents/governance/neuron-client.js';
import {
  applicableFollowees,
  evaluateCascade,
  planCascade,
  Topic,
  unpackDecidedBy,
  Vote,
} from '../../agents/governance/nns.js';
import { type Agent, createAgent } from '../../agents/runtime/index.js';
import { type Service, startAnvil, startRedis } from '../../agents/stack/services.js';
import { agentKey, type Clients, chainClients, waitFor } from '../runtime/helpers.js';
import {
  agentConfig,
  castVotes,
  deployGovernance,
  onChainBallots,
  propose,
  sendAll,
  stakeAndFollow,
} from './fixture.js';
import { prng, type RandomGraph, randomFollowGraph } from './graphs.js';

const NEURONS = 1_000;
const PER_OWNER = 15;
/** anvil's dev keys #2..#4: the hot keys of three owners' neurons (#0 deploys, #1 is the keeper). */
const HOT_KEYS: Hex[] = [
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
];
const topicName = (topic: Topic) => Object.keys(Topic).find((k) => Topic[k as keyof typeof Topic] === topic)!;

describe('following on anvil: neuron clients and the cascade keeper', () => {
  let anvil: Service;
  let redis: Service;
  let clients: Clients;
  const agents: Agent[] = [];
  let governance: Address;
  let net: RandomGraph;
  /** The client neurons of each owner (index into HOT_KEYS). */
  const owned: number[][] = HOT_KEYS.map(() => []);
  const ownerOf = new Map<number, number>();

  beforeAll(async () => {
    [anvil, redis] = await Promise.all([startAnvil(), startRedis()]);
    clients = chainClients(anvil.url);
    const deployed = await deployGovernance(clients);
    governance = deployed.governance;
    net = randomFollowGraph({ seed: 42, neurons: NEURONS, roots: 6, depth: 8 });

    // Some followers belong to the owners with clients: their lists are set by the clients.
    const random = prng(7);
    const candidates = [...net.graph.keys()].filter((n) => !net.ballots.has(n) && net.graph.get(n)!.size > 0);
    while (ownerOf.size < PER_OWNER * HOT_KEYS.length) {
      const neuron = candidates[Math.floor(random() * candidates.length)]!;
      if (ownerOf.has(neuron)) continue;
      ownerOf.set(neuron, ownerOf.size % HOT_KEYS.length);
      owned[ownerOf.get(neuron)!]!.push(neuron);
    }
    const onChainFirst = new Map([...net.graph].map(([n, lists]) => [n, ownerOf.has(n) ? new Map() : lists]));
    await stakeAndFollow(clients, deployed, { graph: onChainFirst, eligible: net.eligible });
    await sendAll(
      clients,
      [...ownerOf].map(([neuron, owner]) => ({
        to: deployed.neurons,
        data: encodeFunctionData({
          abi: neuronsAbi,
          functionName: 'setHotKey',
          args: [neuron, privateKeyToAccount(HOT_KEYS[owner]!).address],
        }),
      })),
    );

    const common = { rpcUrl: anvil.url, redisUrl: redis.url, governance };
    agents.push(
      createAgent({
        role: cascadeKeeper,
        config: agentConfig({ ...common, role: cascadeKeeper }),
        privateKey: agentKey,
      }),
    );
    HOT_KEYS.forEach((key, owner) => {
      const neurons = owned[owner]!.map((id) => ({
        id,
        following: Object.fromEntries(
          [...net.graph.get(id)!].map(([topic, followees]) => [topicName(topic), followees]),
        ),
      }));
      const config = agentConfig({
        ...common,
        role: neuronClient,
        prefix: `owner-${owner}`,
        sweepCron: '*/2 * * * * *',
        settings: { neurons },
      });
      agents.push(createAgent({ role: neuronClient, config, privateKey: key }));
    });
    await Promise.all(agents.map((agent) => agent.start()));
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    await Promise.all([anvil?.stop(), redis?.stop()]);
  });

  it('resolves every determined follower, as the reference evaluator says, with provenance events', async () => {
    const followees = (neuron: number, topic: Topic) =>
      clients.public.readContract({
        address: governance,
        abi: governanceAbi,
        functionName: 'followees',
        args: [neuron, topic],
      });
    await waitFor(
      async () => {
        for (const neuron of ownerOf.keys()) {
          for (const [topic, list] of net.graph.get(neuron)!) {
            if ((await followees(neuron, topic)).join() !== list.join()) return false;
          }
        }
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: "the clients' following" },
    );

    const proposer = net.roots[0]!;
    const direct = new Map(net.ballots).set(proposer, Vote.Yes);
    const proposal = await propose(clients, governance, proposer, Topic.General);
    await castVotes(clients, governance, proposal, direct);

    const reference = evaluateCascade({
      graph: net.graph,
      topic: Topic.General,
      ballots: direct,
      eligible: net.eligible,
    });
    const derived = [...reference.keys()].filter((n) => !direct.has(n));
    expect(derived.length).toBeGreaterThan(NEURONS / 4);
    expect(derived.filter((n) => ownerOf.has(n)).length).toBeGreaterThan(PER_OWNER);
    const plan = planCascade({
      graph: net.graph,
      topic: Topic.General,
      ballots: direct,
      eligible: net.eligible,
      gasBudget: 1e9,
    });
    expect(plan.waves.length).toBeGreaterThanOrEqual(6);

    const ballots = await waitFor(
      async () => {
        const current = await onChainBallots(clients, governance, proposal, NEURONS);
        return current.size >= reference.size && current;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: 'the cascade' },
    );
    const sorted = (m: Map<number, Vote>) => new Map([...m].sort(([a], [b]) => a - b));
    expect(sorted(ballots)).toEqual(sorted(reference));

    // Provenance: each derived ballot by exactly one event, FollowerResolved or the client's VoteCast.
    const [resolvedEvents, voteEvents] = await Promise.all([
      clients.public.getContractEvents({
        address: governance,
        abi: governanceAbi,
        eventName: 'FollowerResolved',
        args: { proposalId: proposal },
        fromBlock: 0n,
      }),
      clients.public.getContractEvents({
        address: governance,
        abi: governanceAbi,
        eventName: 'VoteCast',
        args: { proposalId: proposal },
        fromBlock: 0n,
      }),
    ]);
    const resolved = new Map(resolvedEvents.map((e) => [e.args.neuronId!, e.args]));
    const voted = new Map(voteEvents.map((e) => [e.args.neuronId!, e]));
    expect(resolved.size).toBe(resolvedEvents.length);
    expect(voted.size).toBe(voteEvents.length);
    for (const neuron of direct.keys()) expect(voted.has(neuron)).toBe(true);
    const byClients = [...voted.keys()].filter((n) => !direct.has(n));
    expect([...resolved.keys(), ...byClients].sort((a, b) => a - b)).toEqual(derived.sort((a, b) => a - b));

    for (const neuron of byClients) {
      const event = voted.get(neuron)!;
      expect(ownerOf.has(neuron)).toBe(true);
      expect(event.args.yes ? Vote.Yes : Vote.No).toBe(reference.get(neuron));
      const { from } = await clients.public.getTransaction({ hash: event.transactionHash });
      expect(from.toLowerCase()).toBe(
        privateKeyToAccount(HOT_KEYS[ownerOf.get(neuron)!]!).address.toLowerCase(),
      );
    }
    for (const [neuron, event] of resolved) {
      const vote = event.yes ? Vote.Yes : Vote.No;
      expect(vote).toBe(reference.get(neuron));
      const list = applicableFollowees(net.graph, neuron, Topic.General);
      const quorum = vote === Vote.Yes ? Math.floor(list.length / 2) + 1 : Math.ceil(list.length / 2);
      const decidedBy = unpackDecidedBy(event.decidedBy!);
      expect(decidedBy).toHaveLength(quorum);
      for (const f of decidedBy) {
        expect(list).toContain(f);
        expect(reference.get(f)).toBe(vote);
      }
    }

    // Settled: the keeper forgets the proposal's eligibility set.
    const cached = `31337:${governance.toLowerCase()}:${proposal}`;
    expect(cachedProposals()).toContain(cached);
    await clients.test.increaseTime({ seconds: 10 * 86_400 });
    await clients.test.mine({ blocks: 1 });
    const hash = await clients.wallet.writeContract({
      address: governance,
      abi: governanceAbi,
      functionName: 'settle',
      args: [proposal],
    });
    await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    // The agents ingest with one confirmation: the settle's block needs one on top, which nothing
    // else is bound to mine.
    await clients.test.mine({ blocks: 1 });
    await waitFor(async () => !cachedProposals().includes(cached), { what: 'the cache entry dropped' });
  });
});
