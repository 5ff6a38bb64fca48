/**
 * The cascade keeper on a real anvil and a real redis-server: 500 neurons with a random follow
 * graph (chains 8 layers deep, cycles, catch-all and Governance-only lists, ineligible neurons),
 * a proposal, a few root votes; the keeper alone resolves the cascade. The final ballots must
 * equal the reference evaluator's, and every derived ballot must have its `FollowerResolved`
 * event naming followees that decided it.
 */
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceAbi } from '../../agents/generated/abis.js';
import { cascadeKeeper } from '../../agents/governance/cascade-keeper.js';
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
  stakeAndFollow,
} from './fixture.js';
import { type RandomGraph, randomFollowGraph } from './graphs.js';

const NEURONS = 500;

describe('cascade keeper on anvil', () => {
  let anvil: Service;
  let redis: Service;
  let clients: Clients;
  let agent: Agent;
  let governance: Address;
  let net: RandomGraph;

  beforeAll(async () => {
    [anvil, redis] = await Promise.all([startAnvil(), startRedis()]);
    clients = chainClients(anvil.url);
    const deployed = await deployGovernance(clients);
    governance = deployed.governance;
    net = randomFollowGraph({ seed: 42, neurons: NEURONS, roots: 6, depth: 8 });
    await stakeAndFollow(clients, deployed, net);
    const config = agentConfig({ rpcUrl: anvil.url, redisUrl: redis.url, governance, role: cascadeKeeper });
    agent = createAgent({ role: cascadeKeeper, config, privateKey: agentKey });
    await agent.start();
  });

  afterAll(async () => {
    await agent?.stop();
    await Promise.all([anvil?.stop(), redis?.stop()]);
  });

  it('resolves every determined follower, as the reference evaluator says, with provenance events', async () => {
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
    expect(new Map([...ballots].sort(([a], [b]) => a - b))).toEqual(
      new Map([...reference].sort(([a], [b]) => a - b)),
    );

    const events = await clients.public.getContractEvents({
      address: governance,
      abi: governanceAbi,
      eventName: 'FollowerResolved',
      args: { proposalId: proposal },
      fromBlock: 0n,
    });
    const byNeuron = new Map(events.map((e) => [e.args.neuronId!, e.args]));
    expect(byNeuron.size).toBe(events.length);
    expect([...byNeuron.keys()].sort((a, b) => a - b)).toEqual(derived.sort((a, b) => a - b));
    for (const neuron of derived) {
      const event = byNeuron.get(neuron)!;
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
  });
});
