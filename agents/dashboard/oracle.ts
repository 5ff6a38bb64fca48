/**
 * The oracle page's data: every question (`QuestionCreated`) with its status, and its rounds: the
 * initial report (round 0) and each dispute round with the contributions to each outcome's pool,
 * whether it filled, and how the question finalized.
 */
import { type Address, formatUnits } from 'viem';
import { oracleAbi } from '../generated/abis.js';
import { Status } from '../oracle/answer.js';
import { enumLabels } from '../runtime/enums.js';
import { attempt, type PageContext } from './context.js';

export const QUESTION_STATUS = enumLabels(Status);
const KIND = ['binary', 'categorical', 'scalar'] as const;
/** REP and scalar values are 18-decimal numbers. */
const DECIMALS = 18;

export type Contribution = { who: Address; outcome: string; amount: string; pooled: string; size: string };
export type RoundRow = {
  index: number;
  /** Round 0: the initial report; later rounds: dispute pools. */
  kind: 'report' | 'dispute';
  outcome?: string;
  stake?: string;
  reporter?: Address;
  designated?: boolean;
  filled: boolean;
  contributions: Contribution[];
};
export type QuestionRow = {
  id: bigint;
  uri: string;
  kind: string;
  creator: Address;
  designatedReporter: Address;
  status: string;
  tentative?: string;
  totalStake: string;
  rounds: RoundRow[];
  final?: { outcome: string; escalated: boolean; burned: string };
};
export type OracleData = { deployed: false } | { deployed: true; oracle: Address; questions: QuestionRow[] };

export const rep = (amount: bigint) => formatUnits(amount, DECIMALS);

export async function loadOracle(ctx: PageContext): Promise<OracleData> {
  const oracle = ctx.deployment.oracle;
  if (!oracle) return { deployed: false };
  const events = await ctx.index.events(oracleAbi, oracle);
  const questions = new Map<bigint, QuestionRow & { describe: (o: number) => string }>();
  const round = (q: QuestionRow, index: number): RoundRow => {
    let r = q.rounds.find((x) => x.index === index);
    if (!r) {
      r = { index, kind: index === 0 ? 'report' : 'dispute', filled: false, contributions: [] };
      q.rounds.push(r);
      q.rounds.sort((a, b) => a.index - b.index);
    }
    return r;
  };
  for (const e of events) {
    if (e.eventName === 'QuestionCreated') {
      const p = e.args.params;
      const describe = (o: number) => {
        if (o === 0) return 'Invalid';
        if (p.kind === 0) return o === 1 ? 'No' : 'Yes';
        if (p.kind === 1) return `outcome ${o}`;
        return formatUnits(p.min + BigInt(o - 1) * p.tick, DECIMALS);
      };
      questions.set(e.args.questionId, {
        id: e.args.questionId,
        uri: p.text.uri,
        kind: KIND[p.kind] ?? String(p.kind),
        creator: e.args.creator,
        designatedReporter: e.args.designatedReporter,
        status: 'pending',
        totalStake: '0',
        rounds: [],
        describe,
      });
      continue;
    }
    if (!('questionId' in e.args)) continue;
    const q = questions.get(e.args.questionId);
    if (!q) continue;
    switch (e.eventName) {
      case 'InitialReported':
        Object.assign(round(q, 0), {
          outcome: q.describe(e.args.outcome),
          stake: rep(e.args.stake),
          reporter: e.args.reporter,
          designated: e.args.designated,
          filled: true,
        });
        break;
      case 'DisputeContributed':
        round(q, Number(e.args.round)).contributions.push({
          who: e.args.contributor,
          outcome: q.describe(e.args.outcome),
          amount: rep(e.args.amount),
          pooled: rep(e.args.pooled),
          size: rep(e.args.size),
        });
        break;
      case 'RoundFilled':
        Object.assign(round(q, Number(e.args.round)), {
          outcome: q.describe(e.args.outcome),
          stake: rep(e.args.size),
          filled: true,
        });
        break;
      case 'Finalized':
        q.final = {
          outcome: q.describe(e.args.outcome),
          escalated: e.args.escalated,
          burned: rep(e.args.burned),
        };
        break;
    }
  }
  await Promise.all(
    [...questions.values()].map(async (q) => {
      const state = await attempt(() =>
        ctx.client.readContract({ address: oracle, abi: oracleAbi, functionName: 'state', args: [q.id] }),
      );
      if (!state) return;
      q.status = QUESTION_STATUS[state.status] ?? String(state.status);
      q.totalStake = rep(state.totalStake);
      if (state.status !== 0) q.tentative = q.describe(state.outcome);
    }),
  );
  return {
    deployed: true,
    oracle,
    questions: [...questions.values()].map(({ describe: _, ...q }) => q).reverse(),
  };
}
