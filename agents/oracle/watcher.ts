/**
 * Dispute watcher: checks every initial report and every new tentative outcome of the questions
 * its config covers against its own sources. When the tentative outcome is wrong (for scalars:
 * further than the tolerance from its answer), it stakes on its answer in the open dispute round,
 * joining an existing pool within tolerance of its answer rather than opening a new one, within
 * its bond budget. It follows later rounds the same way, takes back pools that did not fill, and
 * redeems everything after finalization. Fail-safe: a source error or disagreement is logged and
 * counted, and never leads to a dispute. Several watchers may race: action ids are deterministic
 * and "someone else already did it" refusals are warnings.
 */
import { z } from 'zod';
import { oracleAbi } from '../generated/abis.js';
import { defineRole, type RoleContext, schemas } from '../runtime/index.js';
import { type Answer, answerSettings, isCorrect, type Question } from './answer.js';
import { type Budget, createBudget } from './budget.js';
import {
  chainTime,
  classifyRace,
  countAction,
  ensureAllowance,
  evaluate,
  loadQuestion,
  oracleMetrics,
  oracleOf,
  ownAddress,
  readState,
  receiptEvents,
  redeemPositions,
  repAmount,
  Status,
  scanQuestions,
  sweepQuestions,
  sweepRetry,
  sweepTaskId,
} from './common.js';

const settings = z.strictObject({
  ...answerSettings,
  /** Most REP at stake at once over all open positions of this account. */
  bond_budget: repAmount,
  /** Most REP staked in one dispute round of one question; default: what fills the round. */
  max_stake_per_round: repAmount.optional(),
  /** The sweep rescans the newest this many questions. */
  sweep_questions: sweepQuestions,
  /** A sweep enqueues work that is still due at most once per this many seconds (chain time). */
  sweep_retry_s: sweepRetry,
});
type Settings = z.infer<typeof settings>;
type Ctx = RoleContext<Settings>;

const budgetOf = (ctx: Ctx): Budget =>
  createBudget({ ctx, account: ownAddress(ctx), budget: ctx.config.bond_budget });

/**
 * The outcome to stake on: the pool of the open round with the most REP among outcomes that
 * count as our answer and are disputable, else our answer itself.
 */
async function target(ctx: Ctx, question: Question, round: bigint, tentative: number, answer: Answer) {
  const pools = await ctx.events({
    address: oracleOf(ctx),
    abi: oracleAbi,
    eventName: 'DisputeContributed',
    args: { questionId: question.id, round },
  });
  let best = { outcome: answer.outcome, pooled: 0n };
  for (const { args } of pools) {
    if (!isCorrect(question, args.outcome, answer.outcome) || isCorrect(question, args.outcome, tentative))
      continue;
    if (args.pooled > best.pooled) best = { outcome: args.outcome, pooled: args.pooled };
  }
  return best.outcome;
}

async function dispute(ctx: Ctx, question: Question, round: bigint, tentative: number, answer: Answer) {
  // One dispute per question and account at a time: a contribution sent for round r lands in the
  // round open when it is mined, possibly r + 1, so what this account already staked in the round
  // is read from the chain inside the lock (the earlier contribution is mined by then).
  const budget = budgetOf(ctx);
  await budget.exclusive(question.id, () => stake(ctx, budget, question, round, tentative, answer));
}

async function stake(
  ctx: Ctx,
  budget: Budget,
  question: Question,
  round: bigint,
  tentative: number,
  answer: Answer,
) {
  const log = ctx.logger.child({ question_id: question.id.toString(), round: round.toString() });
  const oracle = oracleOf(ctx);
  const outcome = await target(ctx, question, round, tentative, answer);
  const read = { address: oracle, abi: oracleAbi } as const;
  const [size, pooled, mine] = await Promise.all([
    ctx.chain.client.readContract({ ...read, functionName: 'bondSize', args: [question.id, outcome] }),
    ctx.chain.client.readContract({ ...read, functionName: 'pooled', args: [question.id, round, outcome] }),
    ctx.chain.client.readContract({
      ...read,
      functionName: 'stakeOf',
      args: [question.id, round, outcome, ownAddress(ctx)],
    }),
  ]);
  const cap = ctx.config.max_stake_per_round;
  let wanted = size - pooled;
  if (cap !== undefined && cap - mine < wanted) wanted = cap - mine;
  if (wanted <= 0n) {
    log.info({ outcome, staked: mine.toString() }, 'already staked what this round allows');
    return;
  }
  const position = { questionId: question.id, round, outcome };
  const amount = await budget.reserve(position, wanted);
  if (amount === 0n) {
    oracleMetrics(ctx).refusals.inc({ role: ctx.role, account: ownAddress(ctx), reason: 'budget' });
    log.warn(
      { wanted: wanted.toString(), used: (await budget.used()).toString() },
      'bond budget exhausted; not disputing',
    );
    return;
  }
  await ensureAllowance(ctx, amount, ctx.config.bond_budget);
  const result = await ctx.send({
    id: `dispute-${oracle}-${question.id}-${round}-${outcome}`,
    address: oracle,
    abi: oracleAbi,
    functionName: 'contribute',
    args: [question.id, outcome, amount, answer.evidence.hash],
    classifyRevert: (revert) => classifyRace(revert, ['ERC20InsufficientAllowance']),
  });
  countAction(ctx, 'dispute', result);
  if (result.status === 'already_done') {
    await budget.release([position]);
    return;
  }
  const [contributed] = await receiptEvents(ctx, result.hash, 'DisputeContributed');
  const staked = contributed
    ? { questionId: question.id, round: contributed.args.round, outcome: contributed.args.outcome }
    : position;
  const accepted = contributed?.args.amount ?? 0n;
  await budget.commit(position, staked, accepted, result.hash);
  log.info(
    {
      tentative,
      outcome,
      staked: accepted.toString(),
      pooled: contributed?.args.pooled.toString() ?? null,
      size: contributed?.args.size.toString() ?? null,
      tx_hash: result.hash,
    },
    'disputed the tentative outcome',
  );
}

/** Checks the tentative outcome of round `round` (0: the initial report) and disputes it if wrong. */
async function check(ctx: Ctx, questionId: bigint, round: bigint) {
  const log = ctx.logger.child({ question_id: questionId.toString(), round: round.toString() });
  const state = await readState(ctx, questionId);
  if (state.status !== Status.Reported && state.status !== Status.Disputed) return;
  if (BigInt(state.rounds) !== round) {
    log.debug({ rounds: state.rounds }, 'a later round filled; its own event is checked');
    return;
  }
  if ((await chainTime(ctx)) >= state.windowEnd) return;
  const question = await loadQuestion(ctx, questionId);
  const evaluated = await evaluate(ctx, question);
  if (!evaluated) return;
  if (isCorrect(question, evaluated.answer.outcome, state.outcome)) {
    log.info(
      { tentative: state.outcome, answer: evaluated.answer.outcome },
      'tentative outcome agrees with the sources',
    );
    return;
  }
  await dispute(ctx, question, round + 1n, state.outcome, evaluated.answer);
}

/** Redeems positions `include` selects and frees their budget. */
async function settle(ctx: Ctx, questionId: bigint, include: (round: bigint, outcome: number) => boolean) {
  const redeemed = await redeemPositions(ctx, questionId, include);
  await budgetOf(ctx).release(redeemed.map((p) => ({ questionId, round: p.round, outcome: p.outcome })));
}

export const disputeWatcher = defineRole({
  name: 'dispute-watcher',
  description: 'oracle: checks reports and tentative outcomes against its sources; disputes wrong ones',
  config: settings,
  abi: oracleAbi,
  events: ['InitialReported', 'RoundFilled', 'Finalized'],
  contracts: ['oracle'],
  sender: true,
  handle: async (event, ctx) => {
    switch (event.eventName) {
      case 'InitialReported':
        return check(ctx, event.args.questionId, 0n);
      case 'RoundFilled': {
        const { questionId, round, outcome } = event.args;
        // Our pools of this round on other outcomes did not fill: take them back now.
        await settle(ctx, questionId, (r, o) => r === round && o !== outcome);
        return check(ctx, questionId, round);
      }
      case 'Finalized':
        return settle(ctx, event.args.questionId, () => true);
    }
  },
  tasks: { check: z.strictObject({ question: schemas.uintString, round: schemas.uintString }) },
  task: async (task, ctx) => {
    const { question, round } = task.data as { question: string; round: string };
    await check(ctx, BigInt(question), BigInt(round));
  },
  sweep: async (ctx) => {
    const now = await chainTime(ctx);
    await scanQuestions(ctx, ctx.config.sweep_questions, async (id, state) => {
      const open =
        (state.status === Status.Reported || state.status === Status.Disputed) && now < state.windowEnd;
      if (!open) return;
      const data = { question: id.toString(), round: state.rounds.toString() };
      const taskId = sweepTaskId(`${id}-${state.rounds}`, now, ctx.config.sweep_retry_s);
      await ctx.enqueue({ name: 'check', id: taskId, data });
    });
  },
});
