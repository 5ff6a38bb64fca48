/**
 * The neuron client on a real anvil and a real redis-server, signing with the neurons' hot key:
 * it sets the configured following (skipping a neuron whose hot key is another), votes for a
 * neuron once its followee's ballot determines it, votes by topic policy on a new proposal, and
 * casts a configured explicit vote.
 */
import { encodeFunctionData } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceAbi, neuronsAbi } from '../../agents/generated/abis.js';
import { neuronClient } from '../../agents/governance/neuron-client.js';
import { Topic, Vote } from '../../agents/governance/nns.js';
import { type Agent, createAgent } from '../../agents/runtime/index.js';
import { type Service, startAnvil, startRedis } from '../../agents/stack/services.js';
import { agentKey, type Clients, chainClients, waitFor } from '../runtime/helpers.js';
import { agentConfig, type Deployed, deployGovernance, propose, sendAll, stakeAndFollow } from './fixture.js';

describe('neuron client on anvil', () => {
  let anvil: Service;
  let redis: Service;
  let clients: Clients;
  let agent: Agent;
  let deployed: Deployed;

  beforeAll(async () => {
    [anvil, redis] = await Promise.all([startAnvil(), startRedis()]);
    clients = chainClients(anvil.url);
    deployed = await deployGovernance(clients);
    await stakeAndFollow(clients, deployed, {
      graph: new Map([1, 2, 3, 4].map((id) => [id, new Map()])),
      eligible: () => true,
    });
    const hotKey = privateKeyToAccount(agentKey).address;
    await sendAll(
      clients,
      [2, 3].map((id) => ({
        to: deployed.neurons,
        data: encodeFunctionData({ abi: neuronsAbi, functionName: 'setHotKey', args: [id, hotKey] }),
      })),
    );
    const config = agentConfig({
      rpcUrl: anvil.url,
      redisUrl: redis.url,
      governance: deployed.governance,
      role: neuronClient,
      sweepCron: '* * * * * *',
      settings: {
        // Neuron 4's hot key is not the agent's: the client skips it (and still serves the others).
        neurons: [
          { id: 4, following: { General: [1] } },
          { id: 2, following: { General: [1], CatchAll: [3] } },
          { id: 3 },
        ],
        policy: { Oracle: 'no' },
        votes: [{ proposal: 3, neuron: 3, vote: 'no' }],
      },
    });
    agent = createAgent({ role: neuronClient, config, privateKey: agentKey });
    await agent.start();
  });

  afterAll(async () => {
    await agent?.stop();
    await Promise.all([anvil?.stop(), redis?.stop()]);
  });

  const read = {
    followees: (neuron: number, topic: Topic) =>
      clients.public.readContract({
        address: deployed.governance,
        abi: governanceAbi,
        functionName: 'followees',
        args: [neuron, topic],
      }),
    ballot: (proposal: bigint, neuron: number) =>
      clients.public.readContract({
        address: deployed.governance,
        abi: governanceAbi,
        functionName: 'ballot',
        args: [proposal, neuron],
      }),
  };

  it('keeps following, votes for determined neurons, by policy and as configured', async () => {
    await waitFor(
      async () =>
        (await read.followees(2, Topic.General)).join() === '1' &&
        (await read.followees(2, Topic.CatchAll)).join() === '3',
      { what: 'following' },
    );

    const general = await propose(clients, deployed.governance, 1, Topic.General);
    await waitFor(async () => (await read.ballot(general, 2)) === Vote.Yes, { what: 'following vote' });

    const oracle = await propose(clients, deployed.governance, 1, Topic.Oracle);
    await waitFor(async () => (await read.ballot(oracle, 3)) === Vote.No, { what: 'policy vote' });
    // The policy applies to every configured neuron.
    expect(await read.ballot(oracle, 2)).toBe(Vote.No);
    expect(await read.ballot(oracle, 4)).toBe(0);
    expect(await read.followees(4, Topic.General)).toEqual([]);

    const treasury = await propose(clients, deployed.governance, 1, Topic.Treasury);
    expect(treasury).toBe(3n);
    await waitFor(async () => (await read.ballot(treasury, 3)) === Vote.No, { what: 'configured vote' });
  });
});
