/**
 * Neuron client: one process per owner, signing with the neurons' hot key. Keeps each configured
 * neuron's followee lists as configured (the sweep compares them with the chain at the safe block
 * and sets the ones that differ), casts direct votes by topic policy on every new proposal and
 * the explicitly configured votes, and, when a followee's ballot makes one of its neurons
 * determined, votes for it directly (no need to wait for a cascade keeper).
 */
import { type Address, encodePacked, keccak256 } from 'viem';
import { z } from 'zod';
import { governanceAbi, neuronsAbi } from '../generated/abis.js';
import { defineRole, type RoleContext } from '../runtime/index.js';
import { deployedAt } from './deployed.js';
import { applicableFollowees, type Ballots, followedVote, MAX_FOLLOWEES, Topic, Vote } from './nns.js';

const topicName = z.enum(Object.keys(Topic) as [keyof typeof Topic, ...(keyof typeof Topic)[]]);
const proposalTopic = topicName.exclude(['CatchAll']);
const yesNo = z.enum(['yes', 'no']);

const settings = z.strictObject({
  /** The owner's neurons and their followee lists by topic (`CatchAll` for the catch-all list). */
  neurons: z
    .array(
      z.strictObject({
        id: z.number().int().min(1),
        following: z
          .partialRecord(topicName, z.array(z.number().int().min(1)).max(MAX_FOLLOWEES))
          .default({}),
      }),
    )
    .min(1),
  /** Direct vote of every configured neuron on each new proposal of these topics. */
  policy: z.partialRecord(proposalTopic, yesNo).default({}),
  /** Explicit votes (e.g. written by a CLI command): cast by the sweep while voting is open. */
  votes: z
    .array(
      z.strictObject({ proposal: z.number().int().min(1), neuron: z.number().int().min(1), vote: yesNo }),
    )
    .default([]),
});
type Settings = z.infer<typeof settings>;
type Ctx = RoleContext<Settings>;

const governanceOf = (ctx: Ctx) => ctx.contracts.governance! as Address;

/** The configured follow graph of the owner's neurons. */
function ownGraph(config: Settings) {
  return new Map(
    config.neurons.map((n) => [
      n.id,
      new Map(Object.entries(n.following).map(([name, ids]) => [Topic[name as keyof typeof Topic], ids])),
    ]),
  );
}

/** Neurons already reported as not controlled by this key (warned once per process). */
const warned = new Set<string>();

/**
 * Whether the agent's key is the neuron's hot key (or owner) at `blockNumber`; a neuron that does
 * not exist yet, or whose hot key is another, is skipped with a warning (once per process).
 */
async function controls(ctx: Ctx, neuron: number, blockNumber?: bigint): Promise<boolean> {
  const neurons = await ctx.chain.client.readContract({
    address: governanceOf(ctx),
    abi: governanceAbi,
    functionName: 'neurons',
  });
  const [owner, hotKey] = await ctx.chain.client.readContract({
    address: neurons,
    abi: neuronsAbi,
    functionName: 'controllers',
    args: [neuron],
    blockNumber,
  });
  const me = ctx.account!.toLowerCase();
  if (hotKey.toLowerCase() === me || owner.toLowerCase() === me) return true;
  const key = `${governanceOf(ctx).toLowerCase()}-${neuron}-${hotKey}`;
  if (!warned.has(key)) {
    warned.add(key);
    ctx.logger.warn(
      { neuron_id: neuron, hot_key: hotKey, owner, account: ctx.account },
      "neuron not controlled by this agent's key (set its hot key to it); skipped",
    );
  }
  return false;
}

async function vote(ctx: Ctx, proposal: bigint, neuron: number, yes: boolean, reason: string) {
  if (!(await controls(ctx, neuron))) return;
  const result = await ctx.send({
    id: `vote-${governanceOf(ctx).toLowerCase()}-${proposal}-${neuron}`,
    address: governanceOf(ctx),
    abi: governanceAbi,
    functionName: 'vote',
    args: [proposal, neuron, yes],
    classifyRevert: (revert) =>
      ['GovernanceAlreadyVoted', 'GovernanceVotingClosed', 'GovernanceNeuronNotEligible'].includes(
        revert.error_name ?? '',
      )
        ? 'already_done'
        : 'fatal',
  });
  ctx.logger.info(
    { proposal_id: proposal.toString(), neuron_id: neuron, yes, reason, status: result.status },
    'vote cast',
  );
}

/** A followee of some own neuron voted: vote for the own neurons its list now determines. */
async function followVotes(ctx: Ctx, proposal: bigint, followee: number) {
  const graph = ownGraph(ctx.config);
  const follows = [...graph.values()].some((lists) => [...lists.values()].some((l) => l.includes(followee)));
  if (!follows) return;
  const { topic } = await ctx.chain.client.readContract({
    address: governanceOf(ctx),
    abi: governanceAbi,
    functionName: 'proposal',
    args: [proposal],
  });
  for (const neuron of graph.keys()) {
    const list = applicableFollowees(graph, neuron, topic as Topic);
    if (!list.includes(followee)) continue;
    const ids = [neuron, ...list];
    const read = await Promise.all(
      ids.map((id) =>
        ctx.chain.client.readContract({
          address: governanceOf(ctx),
          abi: governanceAbi,
          functionName: 'ballot',
          args: [proposal, id],
        }),
      ),
    );
    if (read[0] !== 0) continue;
    const ballots: Ballots = new Map(
      ids.flatMap((id, i) => (read[i] === 0 ? [] : [[id, read[i] as Vote] as const])),
    );
    const followed = followedVote(list, ballots);
    if (followed !== undefined) await vote(ctx, proposal, neuron, followed === Vote.Yes, 'following');
  }
}

/** Neurons whose following the sweep syncs at once (their transactions share blocks). */
const SYNC_CONCURRENCY = 16;

async function syncNeuron(ctx: Ctx, neuron: number, lists: Map<Topic, number[]>, blockNumber: bigint) {
  if (lists.size === 0 || !(await controls(ctx, neuron, blockNumber))) return;
  await Promise.all(
    [...lists].map(async ([topic, desired]) => {
      const current = await ctx.chain.client.readContract({
        address: governanceOf(ctx),
        abi: governanceAbi,
        functionName: 'followees',
        args: [neuron, topic],
        blockNumber,
      });
      if (current.length === desired.length && current.every((id, i) => id === desired[i])) return;
      const change = keccak256(encodePacked(['uint32[]', 'uint32[]'], [[...current], desired])).slice(2, 18);
      await ctx.send({
        id: `follow-${governanceOf(ctx).toLowerCase()}-${neuron}-${topic}-${change}`,
        address: governanceOf(ctx),
        abi: governanceAbi,
        functionName: 'setFollowing',
        args: [neuron, topic, desired],
      });
      ctx.logger.info({ neuron_id: neuron, topic, followees: desired }, 'following set');
    }),
  );
}

async function syncFollowing(ctx: Ctx, blockNumber: bigint) {
  const neurons = [...ownGraph(ctx.config)];
  for (let i = 0; i < neurons.length; i += SYNC_CONCURRENCY) {
    await Promise.all(
      neurons
        .slice(i, i + SYNC_CONCURRENCY)
        .map(([neuron, lists]) => syncNeuron(ctx, neuron, lists, blockNumber)),
    );
  }
}

export const neuronClient = defineRole({
  name: 'neuron-client',
  description:
    "governance: keeps an owner's neurons' following, votes by topic policy and for determined followers",
  config: settings,
  abi: governanceAbi,
  events: ['ProposalCreated', 'VoteCast', 'FollowerResolved'],
  contracts: ['governance'],
  sender: true,
  handle: async (event, ctx) => {
    switch (event.eventName) {
      case 'ProposalCreated': {
        const name = (Object.keys(Topic) as (keyof typeof Topic)[])[event.args.topic];
        const policy = name === undefined || name === 'CatchAll' ? undefined : ctx.config.policy[name];
        if (policy === undefined) return;
        for (const { id } of ctx.config.neurons) {
          await vote(ctx, event.args.proposalId, id, policy === 'yes', `policy ${name}`);
        }
        return;
      }
      case 'VoteCast':
      case 'FollowerResolved':
        await followVotes(ctx, event.args.proposalId, event.args.neuronId);
        return;
    }
  },
  sweep: async (ctx) => {
    const blockNumber = await ctx.safeBlock();
    if (!(await deployedAt(ctx, blockNumber))) return;
    await syncFollowing(ctx, blockNumber);
    for (const v of ctx.config.votes) {
      const ballot = await ctx.chain.client.readContract({
        address: governanceOf(ctx),
        abi: governanceAbi,
        functionName: 'ballot',
        args: [BigInt(v.proposal), v.neuron],
        blockNumber,
      });
      if (ballot === 0) await vote(ctx, BigInt(v.proposal), v.neuron, v.vote === 'yes', 'configured');
    }
  },
});
