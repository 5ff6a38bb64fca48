/**
 * Oracle keeper: finalizes questions when their dispute window ends. Each initial report and each
 * filled round schedules a delayed `finalize` task at the window's end (in chain time); the sweep
 * rescans the newest questions for ended windows, the backstop for missed or early tasks.
 * Escalations are reported (error log and metric): only the arbitrator role (governance later)
 * can decide an escalated question.
 */
import { z } from 'zod';
import { oracleAbi } from '../generated/abis.js';
import { defineRole, RetryableError, type RoleContext, schemas } from '../runtime/index.js';
import {
  chainTime,
  classifyRace,
  countAction,
  oracleMetrics,
  oracleOf,
  readState,
  Status,
  scanQuestions,
  sweepQuestions,
  sweepRetry,
  sweepTaskId,
  wallClockAt,
} from './common.js';

const settings = z.strictObject({
  /** Seconds after the window's end at which the delayed finalize runs. */
  margin_s: z.number().int().min(0).default(1),
  /** The sweep rescans the newest this many questions. */
  sweep_questions: sweepQuestions,
  /** A sweep enqueues work that is still due at most once per this many seconds (chain time). */
  sweep_retry_s: sweepRetry,
});
type Ctx = RoleContext<z.infer<typeof settings>>;
type FinalizeTask = { question: string; window_end: number };

async function schedule(ctx: Ctx, questionId: bigint, windowEnd: number) {
  await ctx.enqueue({
    name: 'finalize',
    id: `${questionId}-${windowEnd}`,
    data: { question: questionId.toString(), window_end: windowEnd } satisfies FinalizeTask,
    at: await wallClockAt(ctx, windowEnd, ctx.config.margin_s),
  });
}

async function finalize(ctx: Ctx, { question, window_end }: FinalizeTask) {
  const questionId = BigInt(question);
  const log = ctx.logger.child({ question_id: question });
  const state = await readState(ctx, questionId);
  if (state.status !== Status.Reported && state.status !== Status.Disputed) return;
  if (state.windowEnd !== window_end) {
    log.debug({ window_end: state.windowEnd }, 'the window moved; its own task finalizes');
    return;
  }
  if ((await chainTime(ctx)) < window_end)
    throw new RetryableError(`question ${question}: window open until ${window_end}`);
  const result = await ctx.send({
    id: `finalize-${oracleOf(ctx)}-${question}`,
    address: oracleOf(ctx),
    abi: oracleAbi,
    functionName: 'finalize',
    args: [questionId],
    classifyRevert: (revert) => classifyRace(revert, ['DisputeWindowOpen']),
  });
  countAction(ctx, 'finalize', result);
  log.info({ result: result.status, outcome: state.outcome }, 'finalize');
}

export const oracleKeeper = defineRole({
  name: 'oracle-keeper',
  description: 'oracle: finalizes questions when their dispute windows end; reports escalations',
  config: settings,
  abi: oracleAbi,
  events: ['InitialReported', 'RoundFilled', 'Escalated'],
  contracts: ['oracle'],
  sender: true,
  handle: async (event, ctx) => {
    switch (event.eventName) {
      case 'InitialReported':
        return schedule(ctx, event.args.questionId, event.args.windowEnd);
      case 'RoundFilled':
        if (event.args.windowEnd !== 0) await schedule(ctx, event.args.questionId, event.args.windowEnd);
        return;
      case 'Escalated':
        oracleMetrics(ctx).escalations.inc({ role: ctx.role });
        ctx.logger.error(
          {
            question_id: event.args.questionId.toString(),
            rounds: event.args.rounds.toString(),
            total_stake: event.args.totalStake.toString(),
          },
          'question escalated: the arbitrator must call resolveEscalated',
        );
    }
  },
  tasks: { finalize: z.strictObject({ question: schemas.uintString, window_end: z.number().int().min(0) }) },
  task: async (task, ctx) => {
    await finalize(ctx, task.data as FinalizeTask);
  },
  sweep: async (ctx) => {
    const now = await chainTime(ctx);
    await scanQuestions(ctx, ctx.config.sweep_questions, async (id, state) => {
      if (state.status !== Status.Reported && state.status !== Status.Disputed) return;
      if (now < state.windowEnd) return;
      const data: FinalizeTask = { question: id.toString(), window_end: state.windowEnd };
      const taskId = sweepTaskId(`${id}-${state.windowEnd}`, now, ctx.config.sweep_retry_s);
      await ctx.enqueue({ name: 'finalize', id: taskId, data });
    });
  },
});
