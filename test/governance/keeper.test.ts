/**
 * The governance keeper on a real anvil and a real redis-server: a proposal adopted early (its
 * proposer holds most of the power) is settled by the keeper, and executed by it once the chain
 * passes the timelock (the sweep finds it due); a proposal adopted through following (the
 * cascade keeper derives the follower's ballot) is settled and executed by the keeper; a proposal
 * rejected at its deadline is settled and its fee is kept (in Neurons, for the executor).
 */
import { encodeFunctionData } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceAbi, neuronsAbi } from '../../agents/generated/abis.js';
import { cascadeKeeper } from '../../agents/governance/cascade-keeper.js';
import { governanceKeeper } from '../../agents/governance/governance-keeper.js';
import { Topic, Vote } from '../../agents/governance/nns.js';
import { type Agent, createAgent } from '../../agents/runtime/index.js';
import { type Service, startAnvil, startRedis } from '../../agents/stack/services.js';
import { agentKey, type Clients, chainClients, deploy, waitFor } from '../runtime/helpers.js';
import {
  agentConfig,
  castVotes,
  type Deployed,
  deployGovernance,
  propose,
  stakeAndFollow,
} from './fixture.js';

const DAY = 86_400;
/** anvil's dev key #2: the cascade keeper's (#0 is the test's deployer, #1 the governance keeper's). */
const cascadeKey = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';

describe('governance keeper on anvil', () => {
  let anvil: Service;
  let redis: Service;
  let clients: Clients;
  let agents: Agent[] = [];
  let deployed: Deployed;

  beforeAll(async () => {
    [anvil, redis] = await Promise.all([startAnvil(), startRedis()]);
    clients = chainClients(anvil.url);
    deployed = await deployGovernance(clients);
    // Stakes 2, 3 and 4 (fixture): 3 and 2 together hold more than half, 2 alone outweighs 1;
    // 3 follows 1 on TokenCompliance (1 and 3 together hold more than half).
    const graph = new Map([1, 2, 3].map((id) => [id, new Map()]));
    graph.set(3, new Map([[Topic.TokenCompliance, [1]]]));
    await stakeAndFollow(clients, deployed, { graph, eligible: () => true });
    const common = { rpcUrl: anvil.url, redisUrl: redis.url, governance: deployed.governance };
    agents = [
      createAgent({
        role: governanceKeeper,
        config: agentConfig({ ...common, role: governanceKeeper, sweepCron: '* * * * * *' }),
        privateKey: agentKey,
      }),
      createAgent({
        role: cascadeKeeper,
        config: agentConfig({ ...common, role: cascadeKeeper }),
        privateKey: cascadeKey,
      }),
    ];
    await Promise.all(agents.map((agent) => agent.start()));
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    await Promise.all([anvil?.stop(), redis?.stop()]);
  });

  const view = (proposal: bigint) =>
    clients.public.readContract({
      address: deployed.governance,
      abi: governanceAbi,
      functionName: 'proposal',
      args: [proposal],
    });

  it('settles a proposal adopted early and executes it after the timelock', async () => {
    const target = await deploy(clients, 'Target.sol', 'Target');
    const data = encodeFunctionData({ abi: target.abi, functionName: 'set', args: [42n] });
    const proposal = await propose(clients, deployed.governance, 3, Topic.Oracle, [
      { target: target.address, value: 0n, data },
    ]);
    await castVotes(clients, deployed.governance, proposal, new Map([[2, Vote.Yes]]));
    await waitFor(async () => (await view(proposal)).status === 1, { what: 'settlement', timeoutMs: 30_000 });
    expect(await clients.public.readContract({ ...target, functionName: 'value' })).toBe(0n);
    await clients.test.increaseTime({ seconds: DAY + 1 });
    await clients.test.mine({ blocks: 1 });
    await waitFor(async () => (await view(proposal)).status === 3, { what: 'execution', timeoutMs: 30_000 });
    expect(await clients.public.readContract({ ...target, functionName: 'value' })).toBe(42n);
  });

  it('settles and executes a proposal adopted through following', async () => {
    const target = await deploy(clients, 'Target.sol', 'Target');
    const data = encodeFunctionData({ abi: target.abi, functionName: 'set', args: [7n] });
    const proposal = await propose(clients, deployed.governance, 1, Topic.TokenCompliance, [
      { target: target.address, value: 0n, data },
    ]);
    await waitFor(async () => (await view(proposal)).status === 1, { what: 'settlement', timeoutMs: 30_000 });
    const [resolved] = await clients.public.getContractEvents({
      address: deployed.governance,
      abi: governanceAbi,
      eventName: 'FollowerResolved',
      args: { proposalId: proposal },
      fromBlock: 0n,
    });
    expect(resolved?.args).toMatchObject({ neuronId: 3, yes: true });
    await clients.test.increaseTime({ seconds: DAY + 1 });
    await clients.test.mine({ blocks: 1 });
    await waitFor(async () => (await view(proposal)).status === 3, { what: 'execution', timeoutMs: 30_000 });
    expect(await clients.public.readContract({ ...target, functionName: 'value' })).toBe(7n);
  });

  it('settles a proposal rejected at its deadline and keeps its fee', async () => {
    const { rejectFee } = await clients.public.readContract({
      address: deployed.governance,
      abi: governanceAbi,
      functionName: 'params',
    });
    const kept = () =>
      clients.public.readContract({ address: deployed.neurons, abi: neuronsAbi, functionName: 'keptFees' });
    const before = await kept();
    const proposal = await propose(clients, deployed.governance, 1, Topic.General);
    await castVotes(clients, deployed.governance, proposal, new Map([[2, Vote.No]]));
    await clients.test.increaseTime({ seconds: 10 * DAY });
    await clients.test.mine({ blocks: 1 });
    await waitFor(async () => (await view(proposal)).status === 2, { what: 'rejection', timeoutMs: 30_000 });
    expect(await kept()).toBe(before + rejectFee);
  });
});
