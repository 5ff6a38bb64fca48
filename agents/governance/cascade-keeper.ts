/**
 * Cascade keeper: keeps the follow graph (`FollowingSet`) and the ballots (`VoteCast`,
 * `FollowerResolved`) of a Governance contract, and after each direct vote plans the cascade it
 * makes possible (agents/governance/nns.ts) and sends the `resolveFollowers` batches, one after
 * the other, each as an action whose id is its content. Ballots written by a batch are read from
 * its receipt before the next one; a batch that writes less than planned (a vote the keeper has
 * not seen yet) makes it plan again. The sweep re-plans every open proposal (backstop for
 * cascades others left half done).
 */
import { type Address, encodePacked, keccak256, parseEventLogs } from 'viem';
import { z } from 'zod';
import { governanceAbi, neuronsAbi } from '../generated/abis.js';
import { defineRole, type RoleContext, schemas } from '../runtime/index.js';
import { planCascade, type Topic, Vote } from './nns.js';
import { createGovernanceStore } from './store.js';

const settings = z.strictObject({
  /**
   * Modelled gas per `resolveFollowers` batch. The sender adds `sender.gas_margin_percent` (20) to
   * the simulated gas and a transaction above the block gas limit is refused: keep budget x 1.2
   * under it (24M for a 30M block).
   */
  gas_budget: z.number().int().min(200_000).default(24_000_000),
  /** Plan-and-send rounds per task before leaving the rest to later votes and the sweep. */
  max_rounds: z.number().int().min(1).max(100).default(4),
  /**
   * TTL of the per-proposal lock one task holds while it resolves the cascade (others retry after
   * it with the job backoff). Renewed every third of it while the cascade runs, so a cascade may
   * take longer; a crashed holder's lock frees within it.
   */
  lock_ms: z.number().int().min(1_000).default(30_000),
  /** Neurons per `componentsBatch` call when reading who is eligible on a proposal. */
  eligibility_chunk: z.number().int().min(1).max(10_000).default(2_000),
});
type Settings = z.infer<typeof settings>;
type Ctx = RoleContext<Settings>;

export const roleName = 'cascade-keeper';

const storeOf = (ctx: Ctx) =>
  createGovernanceStore({
    redis: ctx.redis,
    key: ctx.key,
    governance: ctx.contracts.governance!,
    role: roleName,
  });

/**
 * Neurons with voting power fixed on a proposal (read once per proposal and process; it never
 * changes), by `<chain>:<governance>:<proposal>`. An entry is dropped when the proposal is settled
 * or voting on it closed, and by the sweep when the proposal is no longer open.
 */
const eligibleCache = new Map<string, Promise<{ topic: Topic; eligible: Set<number> }>>();

const cacheKey = (ctx: Ctx, proposal: bigint) =>
  `${ctx.settings.chain.chain_id}:${ctx.contracts.governance!.toLowerCase()}:${proposal}`;

/** Proposals with a cached eligibility set (for tests and metrics). */
export const cachedProposals = (): string[] => [...eligibleCache.keys()];

function forgetProposal(ctx: Ctx, proposal: bigint) {
  eligibleCache.delete(cacheKey(ctx, proposal));
}

async function readProposal(ctx: Ctx, proposal: bigint) {
  const governance = ctx.contracts.governance!;
  const [view, neurons] = await Promise.all([
    ctx.chain.client.readContract({
      address: governance,
      abi: governanceAbi,
      functionName: 'proposal',
      args: [proposal],
    }),
    ctx.chain.client.readContract({ address: governance, abi: governanceAbi, functionName: 'neurons' }),
  ]);
  const count = await ctx.chain.client.readContract({
    address: neurons,
    abi: neuronsAbi,
    functionName: 'neuronCount',
  });
  const eligible = new Set<number>();
  for (let from = 1; from <= count; from += ctx.config.eligibility_chunk) {
    const ids = Array.from(
      { length: Math.min(ctx.config.eligibility_chunk, count - from + 1) },
      (_, i) => from + i,
    );
    const packed = await ctx.chain.client.readContract({
      address: neurons,
      abi: neuronsAbi,
      functionName: 'componentsBatch',
      args: [ids, view.seq, view.createdAt],
    });
    packed.forEach((p, i) => {
      if ((p & ((1n << 96n) - 1n)) !== 0n) eligible.add(ids[i]!);
    });
  }
  return { topic: view.topic as Topic, eligible };
}

function proposalInfo(ctx: Ctx, proposal: bigint) {
  const key = cacheKey(ctx, proposal);
  let info = eligibleCache.get(key);
  if (!info) {
    info = readProposal(ctx, proposal);
    info.catch(() => eligibleCache.delete(key));
    eligibleCache.set(key, info);
  }
  return info;
}

/** Plans and sends the cascade of one proposal until nothing is left, it stalls, or voting closed. */
async function cascade(ctx: Ctx, proposal: bigint): Promise<void> {
  const store = storeOf(ctx);
  const governance = ctx.contracts.governance! as Address;
  const { topic, eligible } = await proposalInfo(ctx, proposal);
  const log = ctx.logger.child({ proposal_id: proposal.toString() });
  for (let round = 0; round < ctx.config.max_rounds; round++) {
    const [graph, ballots] = await Promise.all([store.followGraph(), store.ballots(proposal)]);
    const started = performance.now();
    const plan = planCascade({
      graph,
      topic,
      ballots,
      eligible: (n) => eligible.has(n),
      gasBudget: ctx.config.gas_budget,
    });
    const planningMs = performance.now() - started;
    if (plan.batches.length === 0) {
      log.debug({ round }, 'nothing to resolve');
      return;
    }
    log.info(
      {
        round,
        neurons: plan.waves.reduce((n, w) => n + w.length, 0),
        waves: plan.waves.length,
        batches: plan.batches.length,
        planning_ms: Math.round(planningMs),
      },
      'cascade planned',
    );
    let written = 0;
    for (const batch of plan.batches) {
      const result = await ctx.send({
        id: `resolve-${governance.toLowerCase()}-${proposal}-${keccak256(encodePacked(['uint32[]'], [batch])).slice(2, 18)}`,
        address: governance,
        abi: governanceAbi,
        functionName: 'resolveFollowers',
        args: [proposal, batch],
        classifyRevert: (revert) =>
          revert.error_name === 'GovernanceVotingClosed' ? 'already_done' : 'fatal',
      });
      if (result.status === 'already_done') {
        log.info({ reason: result.reason }, 'voting closed; cascade ends');
        await store.closeProposal(proposal);
        forgetProposal(ctx, proposal);
        return;
      }
      const receipt = await ctx.chain.client.getTransactionReceipt({ hash: result.hash });
      const resolved = parseEventLogs({
        abi: governanceAbi,
        eventName: 'FollowerResolved',
        logs: receipt.logs,
      });
      for (const { args } of resolved) {
        await store.setBallot(args.proposalId, args.neuronId, args.yes ? Vote.Yes : Vote.No);
      }
      written += resolved.length;
      log.info(
        {
          tx_hash: result.hash,
          batch: batch.length,
          resolved: resolved.length,
          gas_used: Number(receipt.gasUsed),
        },
        'batch resolved',
      );
      if (resolved.length < batch.length) break;
    }
    if (written === 0) {
      log.warn({ round }, 'planned followers were not resolved; waiting for more ballots');
      return;
    }
  }
}

export const cascadeKeeper = defineRole({
  name: roleName,
  description: 'governance: resolves the following cascade of every vote in as few blocks as possible',
  config: settings,
  abi: governanceAbi,
  events: ['FollowingSet', 'VoteCast', 'FollowerResolved', 'ProposalCreated', 'ProposalSettled'],
  contracts: ['governance'],
  sender: true,
  handle: async (event, ctx) => {
    const store = storeOf(ctx);
    switch (event.eventName) {
      case 'FollowingSet':
        await store.setFollowing({
          neuron: event.args.neuronId,
          topic: event.args.topic as Topic,
          followees: event.args.followees,
          block: event.block_number,
          logIndex: event.log_index,
        });
        return;
      case 'ProposalCreated':
        await store.openProposal(event.args.proposalId);
        return;
      case 'ProposalSettled':
        await store.closeProposal(event.args.proposalId);
        forgetProposal(ctx, event.args.proposalId);
        return;
      case 'FollowerResolved':
        await store.setBallot(
          event.args.proposalId,
          event.args.neuronId,
          event.args.yes ? Vote.Yes : Vote.No,
        );
        return;
      case 'VoteCast': {
        const { proposalId, neuronId, yes } = event.args;
        await store.setBallot(proposalId, neuronId, yes ? Vote.Yes : Vote.No);
        await ctx.enqueue({ name: 'cascade', id: `${proposalId}-${neuronId}`, data: proposalId.toString() });
        return;
      }
    }
  },
  tasks: { cascade: schemas.uintString },
  task: async (task, ctx) => {
    const proposal = BigInt(task.data as string);
    const ran = await storeOf(ctx).runCoalesced(proposal, ctx.config.lock_ms, () => cascade(ctx, proposal));
    if (!ran)
      ctx.logger.debug(
        { proposal_id: proposal.toString() },
        'cascade in progress elsewhere; it runs once more after it',
      );
  },
  sweep: async (ctx) => {
    const bucket = Math.floor(Date.now() / 60_000);
    const open = await storeOf(ctx).openProposals();
    const prefix = cacheKey(ctx, 0n).slice(0, -1);
    const openKeys = new Set(open.map((p) => cacheKey(ctx, p)));
    for (const key of eligibleCache.keys()) {
      if (key.startsWith(prefix) && !openKeys.has(key)) eligibleCache.delete(key);
    }
    for (const proposal of open) {
      await ctx.enqueue({ name: 'cascade', id: `${proposal}-sweep-${bucket}`, data: proposal.toString() });
    }
  },
});
