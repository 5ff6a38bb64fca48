/**
 * Chain-side helpers shared by the oracle roles: questions and their state, the agent's own
 * address, REP allowance, deadlines in chain time, redeeming positions, the refusals that mean
 * "another agent got there first", and the oracle metrics.
 */

import { type Address, type Hex, parseEventLogs, parseUnits } from 'viem';
import { z } from 'zod';
import { oracleAbi, reputationAbi } from '../generated/abis.js';
import {
  FatalError,
  RetryableError,
  type Revert,
  type RevertClass,
  type RoleContext,
} from '../runtime/index.js';
import { type Answer, answer, findEntry, type Question, type QuestionEntry, Refusal } from './answer.js';

/** A REP amount in whole tokens as a decimal string, e.g. "20" or "0.5" (setting). */
export const repAmount = z
  .string()
  .regex(/^\d+(\.\d{1,18})?$/, 'expected a REP amount such as "20" or "0.5"')
  .transform((text) => parseUnits(text, 18));

/** Setting `sweep_questions`: the sweep rescans the newest this many questions. */
export const sweepQuestions = z.number().int().min(1).default(1_000);

/** Setting `sweep_retry_s`: a sweep enqueues work that is still due at most once per this many seconds. */
export const sweepRetry = z.number().int().min(1).default(600);

/**
 * Id of a sweep task: the same work found again within one `retryS` period of chain time is
 * enqueued once (over every process of the operator), so a failing source does not pile up jobs.
 */
export const sweepTaskId = (base: string, now: number, retryS: number) =>
  `${base}-s${Math.floor(now / retryS)}`;

export { Status } from './answer.js';

/** Oracle metrics, in the agent's registry (`ctx.metrics`, served on its `/metrics`). */
export function oracleMetrics(ctx: RoleContext<unknown>) {
  return {
    refusals: ctx.metrics.counter({
      name: 'stoa_oracle_refusals_total',
      help: 'Evaluations that produced no answer (source_error, disagreement, out_of_range, unmapped): no transaction sent',
      labelNames: ['role', 'account', 'reason'] as const,
    }),
    actions: ctx.metrics.counter({
      name: 'stoa_oracle_actions_total',
      help: 'Oracle transactions by action (report, dispute, finalize, redeem, approve) and result (mined, already_done)',
      labelNames: ['role', 'account', 'action', 'result'] as const,
    }),
    escalations: ctx.metrics.counter({
      name: 'stoa_oracle_escalations_total',
      help: 'Questions seen escalating to the arbitrator',
      labelNames: ['role'] as const,
    }),
  };
}

/** The context of a role that answers questions (reporter, watcher). */
export type OracleContext = RoleContext<{ questions: readonly QuestionEntry[]; source_timeout_ms: number }>;

/** The address of the agent's sender key (the oracle roles all send transactions). */
export function ownAddress(ctx: RoleContext<unknown>): Address {
  if (!ctx.account) throw new FatalError(`role ${ctx.role} needs a sender key`);
  return ctx.account;
}

export const oracleOf = (ctx: RoleContext<unknown>): Address => ctx.contracts.oracle!;

/** Counts a sender result under `action`. */
export function countAction(ctx: RoleContext<unknown>, action: string, result: { status: string }) {
  oracleMetrics(ctx).actions.inc({ role: ctx.role, account: ownAddress(ctx), action, result: result.status });
}

/** Refusals that mean another agent already did it (or made it moot): a warning, not an error. */
const raceErrors = new Set([
  'DisputeWindowClosed',
  'OutcomeNotDisputable',
  'StatusMismatch',
  'NothingToRedeem',
  'NoCreatorBonds',
]);
export function classifyRace(revert: Revert, retry: readonly string[] = []): RevertClass {
  if (revert.error_name && raceErrors.has(revert.error_name)) return 'already_done';
  if (revert.error_name && retry.includes(revert.error_name)) return 'retry';
  return 'fatal';
}

type QuestionCreatedArgs = {
  questionId: bigint;
  designatedReporter: Address;
  numOutcomes: number;
  reportingEnd: number;
  params: {
    kind: number;
    min: bigint;
    max: bigint;
    tick: bigint;
    tolerance: number;
    endTime: number;
    text: { uri: string };
  };
};

/** A question from the arguments of its `QuestionCreated` event. */
export function toQuestion(args: QuestionCreatedArgs): Question {
  return {
    id: args.questionId,
    kind: args.params.kind,
    numOutcomes: args.numOutcomes,
    min: args.params.min,
    max: args.params.max,
    tick: args.params.tick,
    tolerance: args.params.tolerance,
    endTime: args.params.endTime,
    reportingEnd: args.reportingEnd,
    designatedReporter: args.designatedReporter,
    textUri: args.params.text.uri,
  };
}

const questions = new Map<string, Question>();
/** A question's configuration, from its `QuestionCreated` event (cached: it never changes). */
export async function loadQuestion(ctx: RoleContext<unknown>, id: bigint): Promise<Question> {
  const oracle = oracleOf(ctx);
  const cacheKey = `${ctx.chain.id}:${oracle}:${id}`;
  const cached = questions.get(cacheKey);
  if (cached) return cached;
  const [created] = await ctx.events({
    address: oracle,
    abi: oracleAbi,
    eventName: 'QuestionCreated',
    args: { questionId: id },
    limit: 1,
  });
  if (!created) throw new RetryableError(`question ${id}: no QuestionCreated event found`);
  const question = toQuestion(created.args);
  questions.set(cacheKey, question);
  return question;
}

export function readState(ctx: RoleContext<unknown>, id: bigint) {
  return ctx.chain.client.readContract({
    address: oracleOf(ctx),
    abi: oracleAbi,
    functionName: 'state',
    args: [id],
  });
}

/**
 * Visits the newest `limit` questions with their state at the confirmation depth (the sweeps'
 * rescan).
 */
export async function scanQuestions(
  ctx: RoleContext<unknown>,
  limit: number,
  visit: (id: bigint, state: Awaited<ReturnType<typeof readState>>) => Promise<void>,
): Promise<void> {
  const blockNumber = await ctx.safeBlock();
  const address = oracleOf(ctx);
  const count = await ctx.chain.client.readContract({
    address,
    abi: oracleAbi,
    functionName: 'questionCount',
    blockNumber,
  });
  const first = count > BigInt(limit) ? count - BigInt(limit) + 1n : 1n;
  const ids = Array.from({ length: Number(count - first + 1n) }, (_, i) => first + BigInt(i));
  const states = await Promise.all(
    ids.map((id) =>
      ctx.chain.client.readContract({
        address,
        abi: oracleAbi,
        functionName: 'state',
        args: [id],
        blockNumber,
      }),
    ),
  );
  for (const [i, id] of ids.entries()) await visit(id, states[i]!);
}

/** Timestamp of the latest block: "now" for the oracle's windows. */
export async function chainTime(ctx: RoleContext<unknown>): Promise<number> {
  const block = await ctx.chain.client.getBlock({ blockTag: 'latest' });
  return Number(block.timestamp);
}

/** The wall-clock moment at which the chain reaches `timestamp` (+ margin), for delayed tasks. */
export async function wallClockAt(
  ctx: RoleContext<unknown>,
  timestamp: number,
  marginS: number,
): Promise<Date> {
  const now = await chainTime(ctx);
  return new Date(Date.now() + Math.max(0, timestamp - now + marginS) * 1_000);
}

/**
 * Evaluates a question with the configured sources. Returns undefined when no entry covers it;
 * a refusal is logged as an error, counted, and rethrown as retryable (the job tries again later,
 * never sending anything meanwhile).
 */
export async function evaluate(
  ctx: OracleContext,
  question: Question,
): Promise<{ answer: Answer } | undefined> {
  const found = findEntry(ctx.config.questions, question);
  if (!found) return undefined;
  try {
    const result = await answer({
      question,
      entry: found.entry,
      template: found.template,
      timeoutMs: ctx.config.source_timeout_ms,
    });
    ctx.logger.info(
      {
        question_id: question.id.toString(),
        outcome: result.outcome,
        value: result.value?.toString() ?? null,
        evidence: result.evidence.json,
        evidence_hash: result.evidence.hash,
      },
      'sources answered',
    );
    return { answer: result };
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    oracleMetrics(ctx).refusals.inc({ role: ctx.role, account: ownAddress(ctx), reason: error.reason });
    ctx.logger.error(
      { question_id: question.id.toString(), reason: error.reason, err_message: error.message },
      'no answer from the sources; nothing sent',
    );
    throw new RetryableError(`question ${question.id}: ${error.reason}: ${error.message}`);
  }
}

const reputations = new Map<string, Address>();
export async function reputationOf(ctx: RoleContext<unknown>): Promise<Address> {
  const oracle = oracleOf(ctx);
  let rep = reputations.get(oracle);
  if (!rep) {
    rep = await ctx.chain.client.readContract({
      address: oracle,
      abi: oracleAbi,
      functionName: 'reputation',
    });
    reputations.set(oracle, rep);
  }
  return rep;
}

/**
 * Makes sure the oracle may pull `needed` REP: when the allowance is short, approves `target`
 * (at least `needed`; default exactly `needed`). The action id carries the allowance seen, so concurrent
 * jobs that saw the same allowance share one approval.
 */
export async function ensureAllowance(ctx: RoleContext<unknown>, needed: bigint, target = needed) {
  const [rep, oracle, owner] = [await reputationOf(ctx), oracleOf(ctx), ownAddress(ctx)];
  const allowance = await ctx.chain.client.readContract({
    address: rep,
    abi: reputationAbi,
    functionName: 'allowance',
    args: [owner, oracle],
  });
  if (allowance >= needed) return;
  const result = await ctx.send({
    id: `approve-${rep}-${oracle}-${allowance}`,
    address: rep,
    abi: reputationAbi,
    functionName: 'approve',
    args: [oracle, target > needed ? target : needed],
  });
  countAction(ctx, 'approve', result);
}

/**
 * Redeems the agent's open positions in a question (its initial report and dispute stakes) that
 * `include` selects: payouts after finalization, refunds of pools that did not fill.
 */
export async function redeemPositions(
  ctx: RoleContext<unknown>,
  questionId: bigint,
  include: (round: bigint, outcome: number) => boolean,
): Promise<{ round: bigint; outcome: number; amount: bigint }[]> {
  const oracle = oracleOf(ctx);
  const me = ownAddress(ctx);
  const [reports, contributions] = await Promise.all([
    ctx.events({
      address: oracle,
      abi: oracleAbi,
      eventName: 'InitialReported',
      args: { questionId, reporter: me },
    }),
    ctx.events({
      address: oracle,
      abi: oracleAbi,
      eventName: 'DisputeContributed',
      args: { questionId, contributor: me },
    }),
  ]);
  const positions = new Map<string, { round: bigint; outcome: number }>();
  for (const r of reports) positions.set(`0-${r.args.outcome}`, { round: 0n, outcome: r.args.outcome });
  for (const c of contributions) {
    positions.set(`${c.args.round}-${c.args.outcome}`, { round: c.args.round, outcome: c.args.outcome });
  }
  const redeemed: { round: bigint; outcome: number; amount: bigint }[] = [];
  for (const { round, outcome } of positions.values()) {
    if (!include(round, outcome)) continue;
    const stake = await ctx.chain.client.readContract({
      address: oracle,
      abi: oracleAbi,
      functionName: 'stakeOf',
      args: [questionId, round, outcome, me],
    });
    if (stake === 0n) continue;
    const result = await ctx.send({
      id: `redeem-${oracle}-${questionId}-${round}-${outcome}`,
      address: oracle,
      abi: oracleAbi,
      functionName: 'redeem',
      args: [questionId, round, outcome],
      classifyRevert: (revert) => classifyRace(revert),
    });
    countAction(ctx, 'redeem', result);
    if (result.status === 'mined') {
      const [event] = await receiptEvents(ctx, result.hash, 'Redeemed');
      const amount = event?.args.amount ?? 0n;
      redeemed.push({ round, outcome, amount });
      ctx.logger.info(
        {
          question_id: questionId.toString(),
          round: round.toString(),
          outcome,
          stake: stake.toString(),
          amount: amount.toString(),
        },
        'position redeemed',
      );
    }
  }
  return redeemed;
}

/** The `args` of the oracle's `eventName` logs that transaction `hash` emitted. */
export async function receiptEvents<TName extends 'Redeemed' | 'DisputeContributed'>(
  ctx: RoleContext<unknown>,
  hash: Hex,
  eventName: TName,
) {
  const receipt = await ctx.chain.client.getTransactionReceipt({ hash });
  return parseEventLogs({ abi: oracleAbi, logs: receipt.logs, eventName, strict: true }).filter(
    (log) => log.address.toLowerCase() === oracleOf(ctx).toLowerCase(),
  );
}
