/**
 * Oracle reporter: answers the questions its config covers with the configured sources and makes
 * the initial report with the evidence hash of the source values. As designated reporter it
 * reports from the question's end time, within the reporting window; with `report_no_shows` it
 * also reports questions whose designated reporter did not, once the window is over (staking the
 * creator's no-show bond, nothing of its own). A source failure or disagreement means no report:
 * an error log, a metric, and a retry later. After finalization it redeems its report stake.
 */
import { z } from 'zod';
import { oracleAbi } from '../generated/abis.js';
import { defineRole, RetryableError, type RoleContext, schemas } from '../runtime/index.js';
import { answerSettings, findEntry, type Question } from './answer.js';
import {
  chainTime,
  classifyRace,
  countAction,
  ensureAllowance,
  evaluate,
  loadQuestion,
  oracleOf,
  ownAddress,
  readState,
  redeemPositions,
  repAmount,
  Status,
  scanQuestions,
  sweepQuestions,
  sweepRetry,
  sweepTaskId,
  toQuestion,
  wallClockAt,
} from './common.js';

const settings = z.strictObject({
  ...answerSettings,
  /** Also report, as anyone, questions whose designated reporter did not report in its window. */
  report_no_shows: z.boolean().default(false),
  /** REP to approve when the allowance is short of a report bond; default: exactly the bond. */
  allowance: repAmount.optional(),
  /** Seconds after the end time (or the reporting window) at which the delayed report runs. */
  margin_s: z.number().int().min(0).default(1),
  /** The sweep rescans the newest this many questions. */
  sweep_questions: sweepQuestions,
  /** A sweep enqueues work that is still due at most once per this many seconds (chain time). */
  sweep_retry_s: sweepRetry,
});
type Settings = z.infer<typeof settings>;
type Ctx = RoleContext<Settings>;

/** Whether this agent should report `question` now or later: `designated`, `open` (no-show), or not at all. */
function duty(question: Question, ctx: Ctx): 'designated' | 'open' | undefined {
  if (!findEntry(ctx.config.questions, question)) return undefined;
  if (question.designatedReporter.toLowerCase() === ownAddress(ctx).toLowerCase()) return 'designated';
  return ctx.config.report_no_shows ? 'open' : undefined;
}

async function schedule(question: Question, ctx: Ctx) {
  const kind = duty(question, ctx);
  if (!kind) return;
  const at = kind === 'designated' ? question.endTime : question.reportingEnd;
  await ctx.enqueue({
    name: 'report',
    id: `${question.id}-${kind}`,
    data: question.id.toString(),
    at: await wallClockAt(ctx, at, ctx.config.margin_s),
  });
}

async function report(questionId: bigint, ctx: Ctx) {
  const log = ctx.logger.child({ question_id: questionId.toString() });
  const state = await readState(ctx, questionId);
  if (state.status !== Status.Pending) {
    log.info({ status: state.status }, 'question already reported');
    return;
  }
  const question = await loadQuestion(ctx, questionId);
  const kind = duty(question, ctx);
  if (!kind) return;
  const now = await chainTime(ctx);
  if (now < question.endTime) throw new RetryableError(`question ${questionId} ends at ${question.endTime}`);
  const designated = now < question.reportingEnd;
  if (designated && kind === 'open') {
    throw new RetryableError(
      `question ${questionId}: designated reporter's window ends at ${question.reportingEnd}`,
    );
  }
  if (!designated && kind === 'designated' && !ctx.config.report_no_shows) {
    log.error({ reporting_end: question.reportingEnd }, 'reporting window missed; report_no_shows is off');
    return;
  }
  const evaluated = await evaluate(ctx, question);
  if (!evaluated) return;
  const { answer } = evaluated;
  if (designated) {
    const { reportBond } = await ctx.chain.client.readContract({
      address: oracleOf(ctx),
      abi: oracleAbi,
      functionName: 'parameters',
    });
    await ensureAllowance(ctx, reportBond, ctx.config.allowance);
  }
  const result = await ctx.send({
    id: `report-${oracleOf(ctx)}-${questionId}`,
    address: oracleOf(ctx),
    abi: oracleAbi,
    functionName: 'initialReport',
    args: [questionId, answer.outcome, answer.evidence.hash],
    classifyRevert: (revert) => classifyRace(revert, ['ReportingNotStarted', 'NotDesignatedReporter']),
  });
  countAction(ctx, 'report', result);
  log.info(
    { outcome: answer.outcome, designated, evidence_hash: answer.evidence.hash, result: result.status },
    'initial report',
  );
}

export const oracleReporter = defineRole({
  name: 'oracle-reporter',
  description: 'oracle: reports configured questions from its data sources with an evidence hash',
  config: settings,
  abi: oracleAbi,
  events: ['QuestionCreated', 'Finalized'],
  contracts: ['oracle'],
  sender: true,
  handle: async (event, ctx) => {
    if (event.eventName === 'QuestionCreated') await schedule(toQuestion(event.args), ctx);
    else if (event.eventName === 'Finalized') await redeemPositions(ctx, event.args.questionId, () => true);
  },
  tasks: { report: schemas.uintString },
  task: async (task, ctx) => {
    await report(BigInt(task.data as string), ctx);
  },
  sweep: async (ctx) => {
    const now = await chainTime(ctx);
    await scanQuestions(ctx, ctx.config.sweep_questions, async (id, state) => {
      if (state.status !== Status.Pending) return;
      const question = await loadQuestion(ctx, id);
      const kind = duty(question, ctx);
      const due = kind === 'designated' ? question.endTime : question.reportingEnd;
      if (!kind || now < due) return;
      const taskId = sweepTaskId(`${id}-${kind}`, now, ctx.config.sweep_retry_s);
      await ctx.enqueue({ name: 'report', id: taskId, data: id.toString() });
    });
  },
});
