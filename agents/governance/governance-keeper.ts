/**
 * Governance keeper: settles proposals once decided and executes adopted ones when their
 * timelock ends. Each proposal gets a delayed `settle` task at its deadline (moved by
 * `DeadlineExtended`), and an `execute` task at its `readyAt` (fixed at settlement) once it is settled
 * adopted. The sweep reads every unsettled or unexecuted proposal at the safe block and enqueues
 * what is due now: early decisions (yes > total/2 or no >= total/2 before the deadline) and
 * anything whose task was lost. A task that runs early (clock skew) retries with the queue's
 * backoff; work someone else did is `already_done`.
 */
import type { Address } from 'viem';
import { z } from 'zod';
import { governanceAbi } from '../generated/abis.js';
import { defineRole, type RoleContext, schemas } from '../runtime/index.js';
import { deployedAt } from './deployed.js';

const settings = z.strictObject({
  /** Most recent proposals the sweep reads (older ones are expected to be done). */
  sweep_window: z.number().int().min(1).max(10_000).default(200),
});
type Ctx = RoleContext<z.infer<typeof settings>>;

/** `IGovernance.ProposalStatus`. */
const Status = { Open: 0, Adopted: 1, Rejected: 2, Executed: 3, Expired: 4 } as const;

const at = (seconds: bigint) => new Date(Number(seconds) * 1000);

async function settle(ctx: Ctx, proposal: bigint) {
  const result = await ctx.send({
    id: `settle-${ctx.contracts.governance!.toLowerCase()}-${proposal}`,
    address: ctx.contracts.governance! as Address,
    abi: governanceAbi,
    functionName: 'settle',
    args: [proposal],
    classifyRevert: (revert) =>
      revert.error_name === 'GovernanceAlreadySettled'
        ? 'already_done'
        : revert.error_name === 'GovernanceNotDecided'
          ? 'retry'
          : 'fatal',
  });
  ctx.logger.info({ proposal_id: proposal.toString(), status: result.status }, 'proposal settled');
}

async function execute(ctx: Ctx, proposal: bigint) {
  const governance = ctx.contracts.governance! as Address;
  const [created] = await ctx.events({
    address: governance,
    abi: governanceAbi,
    eventName: 'ProposalCreated',
    args: { proposalId: proposal },
    limit: 1,
  });
  if (!created) throw new Error(`ProposalCreated of proposal ${proposal} not found`);
  const result = await ctx.send({
    id: `execute-${governance.toLowerCase()}-${proposal}`,
    address: governance,
    abi: governanceAbi,
    functionName: 'execute',
    args: [proposal, created.args.actions],
    classifyRevert: (revert) => {
      if (revert.error_name === 'GovernanceTimelocked') return 'retry';
      // Past its execution window the proposal can never run: nothing left to do.
      if (revert.error_name === 'GovernanceExpired') return 'already_done';
      if (revert.error_name === 'GovernanceNotAdopted' && Number(revert.args?.[1]) === Status.Executed)
        return 'already_done';
      return 'fatal';
    },
  });
  ctx.logger.info({ proposal_id: proposal.toString(), status: result.status }, 'proposal executed');
}

async function scheduleExecution(ctx: Ctx, proposal: bigint, blockNumber?: bigint) {
  const governance = ctx.contracts.governance! as Address;
  const view = await ctx.chain.client.readContract({
    address: governance,
    abi: governanceAbi,
    functionName: 'proposal',
    args: [proposal],
    blockNumber,
  });
  await ctx.enqueue({
    name: 'execute',
    id: String(proposal),
    data: proposal.toString(),
    at: at(view.readyAt),
  });
}

export const governanceKeeper = defineRole({
  name: 'governance-keeper',
  description: 'governance: settles decided proposals and executes adopted ones after the timelock',
  config: settings,
  abi: governanceAbi,
  events: ['ProposalCreated', 'DeadlineExtended', 'ProposalSettled'],
  contracts: ['governance'],
  sender: true,
  handle: async (event, ctx) => {
    switch (event.eventName) {
      case 'ProposalCreated':
      case 'DeadlineExtended': {
        const { proposalId, deadline } = event.args;
        await ctx.enqueue({
          name: 'settle',
          id: `${proposalId}-${deadline}`,
          data: proposalId.toString(),
          at: at(deadline),
        });
        return;
      }
      case 'ProposalSettled':
        if (event.args.adopted) await scheduleExecution(ctx, event.args.proposalId);
        return;
    }
  },
  tasks: { settle: schemas.uintString, execute: schemas.uintString },
  task: async (task, ctx) => {
    const proposal = BigInt(task.data as string);
    if (task.name === 'settle') {
      const status = await ctx.chain.client.readContract({
        address: ctx.contracts.governance! as Address,
        abi: governanceAbi,
        functionName: 'proposal',
        args: [proposal],
      });
      if (status.status === Status.Open) await settle(ctx, proposal);
    } else if (task.name === 'execute') {
      await execute(ctx, proposal);
    }
  },
  sweep: async (ctx) => {
    const governance = ctx.contracts.governance! as Address;
    const blockNumber = await ctx.safeBlock();
    if (!(await deployedAt(ctx, blockNumber))) return;
    const [count, block] = await Promise.all([
      ctx.chain.client.readContract({
        address: governance,
        abi: governanceAbi,
        functionName: 'proposalCount',
        blockNumber,
      }),
      ctx.chain.client.getBlock({ blockNumber }),
    ]);
    const bucket = Math.floor(Date.now() / 60_000);
    const first = count > BigInt(ctx.config.sweep_window) ? count - BigInt(ctx.config.sweep_window) + 1n : 1n;
    for (let proposal = first; proposal <= count; proposal++) {
      const [view, decision] = await Promise.all([
        ctx.chain.client.readContract({
          address: governance,
          abi: governanceAbi,
          functionName: 'proposal',
          args: [proposal],
          blockNumber,
        }),
        ctx.chain.client.readContract({
          address: governance,
          abi: governanceAbi,
          functionName: 'decision',
          args: [proposal],
          blockNumber,
        }),
      ]);
      if (view.status === Status.Open && decision !== Status.Open) {
        await ctx.enqueue({ name: 'settle', id: `${proposal}-sweep-${bucket}`, data: proposal.toString() });
      } else if (
        view.status === Status.Adopted &&
        view.readyAt <= block.timestamp &&
        block.timestamp < view.expiresAt
      ) {
        await ctx.enqueue({ name: 'execute', id: `${proposal}-sweep-${bucket}`, data: proposal.toString() });
      }
    }
  },
});
