/**
 * From a question and its configured sources to an outcome: which configured entry covers a
 * question (by id or by a pattern on its text URI), reading every source, and aggregating their
 * values (scalars: the median, refused when the sources are further apart than the question's
 * tolerance; other kinds: all sources must name the same outcome). Any failure is a `Refusal`:
 * the caller logs it and sends nothing.
 */
import type { Address, Hash } from 'viem';
import { z } from 'zod';
import {
  evidenceOf,
  readSource,
  SourceError,
  type SourceValue,
  sourceSchema,
  type Template,
} from './sources.js';

/** Status as numbered by `IOracle.Status`. */
export const Status = { Pending: 0, Reported: 1, Disputed: 2, Final: 3, Escalated: 4 } as const;

/** Kinds as numbered by `IOracle.Kind`. */
export const Kind = { Binary: 0, Categorical: 1, Scalar: 2 } as const;
export const INVALID = 0;

/** What the agents need of a question (from its `QuestionCreated` event). */
export type Question = {
  id: bigint;
  kind: number;
  numOutcomes: number;
  min: bigint;
  max: bigint;
  tick: bigint;
  tolerance: number;
  endTime: number;
  reportingEnd: number;
  designatedReporter: Address;
  textUri: string;
};

export const questionEntrySchema = z.strictObject({
  /** Which questions this entry answers: listed ids, or a regular expression on the text URI. */
  match: z
    .strictObject({
      ids: z.array(z.number().int().min(1)).optional(),
      uri: z
        .string()
        .refine((pattern) => {
          try {
            new RegExp(pattern);
            return true;
          } catch {
            return false;
          }
        }, 'not a valid regular expression')
        .optional(),
    })
    .refine((m) => m.ids !== undefined || m.uri !== undefined, 'set ids or uri'),
  /** Every source must answer; their values are aggregated. */
  sources: z.array(sourceSchema).min(1),
  /** Scalar: a source value `x` (a decimal number) is `x * 10^decimals` in the question's units. */
  decimals: z.number().int().min(0).max(36).default(0),
  /** Binary and categorical: source value -> outcome (case-insensitive); otherwise the value is the outcome number. */
  outcomes: z.record(z.string(), z.number().int().min(0)).default({}),
});
export type QuestionEntry = z.infer<typeof questionEntrySchema>;

export const answerSettings = {
  /** Questions this agent answers, first match wins. */
  questions: z.array(questionEntrySchema).default([]),
  /** Time allowed to each source per evaluation. */
  source_timeout_ms: z.number().int().min(10).default(5_000),
};

export type RefusalReason = 'source_error' | 'disagreement' | 'out_of_range' | 'unmapped';

/** No answer: the caller logs it, counts it and sends nothing. */
export class Refusal extends Error {
  override name = 'Refusal';
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export type Answer = {
  outcome: number;
  /** Scalar questions: the aggregated value in the question's units. */
  value?: bigint;
  values: SourceValue[];
  evidence: { json: string; hash: Hash };
};

/** The first entry covering `question`, with the placeholder values of its sources. */
export function findEntry(
  entries: readonly QuestionEntry[],
  question: Question,
): { entry: QuestionEntry; template: Template } | undefined {
  const base = { question_id: question.id.toString(), end_time: String(question.endTime) };
  for (const entry of entries) {
    if (entry.match.ids?.includes(Number(question.id))) return { entry, template: base };
    const found = entry.match.uri === undefined ? null : new RegExp(entry.match.uri).exec(question.textUri);
    if (found) return { entry, template: { ...found.groups, ...base } };
  }
  return undefined;
}

/** Most digits of a decimal value, and most powers of ten it is shifted by. */
const MAX_DIGITS = 78 + 36;

/** `text` as a decimal number times 10^decimals, rounded half away from zero. */
export function parseDecimal(text: string, decimals: number): bigint {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new Refusal('unmapped', `not a decimal number: ${text}`);
  }
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  // 10^shift is computed below: a source's "1e100000000" must not stall the process. No answer
  // needs more than a uint256's 78 digits either side of the decimals.
  const shift = decimals + Number(exponent) - fraction.length;
  if (whole.length + fraction.length > MAX_DIGITS || Math.abs(shift) > MAX_DIGITS)
    throw new Refusal('unmapped', `decimal number out of range: ${text.slice(0, 80)}`);
  const digits = BigInt(`${whole}${fraction}` || '0');
  let value: bigint;
  if (shift >= 0) value = digits * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    value = (digits + divisor / 2n) / divisor;
  }
  return sign === '-' ? -value : value;
}

/** Whether `outcome` counts as correct if `target` is final (as `IOracle.isCorrect`). */
export function isCorrect(question: Question, outcome: number, target: number): boolean {
  if (outcome === target) return true;
  if (question.kind !== Kind.Scalar || outcome === INVALID || target === INVALID) return false;
  return Math.abs(outcome - target) <= question.tolerance;
}

/** The scalar outcome of `value`: `1 + round((value - min) / tick)`. */
export function scalarOutcome(question: Question, value: bigint): number {
  if (value < question.min || value > question.max) {
    throw new Refusal('out_of_range', `value ${value} outside [${question.min}, ${question.max}]`);
  }
  return Number((value - question.min + question.tick / 2n) / question.tick) + 1;
}

function median(values: bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2n;
}

function categoricalOutcome(question: Question, entry: QuestionEntry, text: string): number {
  const mapped = Object.entries(entry.outcomes).find(([key]) => key.toLowerCase() === text.toLowerCase());
  const outcome = mapped ? mapped[1] : /^\d+$/.test(text) ? Number(text) : undefined;
  if (outcome === undefined || outcome >= question.numOutcomes) {
    throw new Refusal('unmapped', `source value ${text} is not an outcome of question ${question.id}`);
  }
  return outcome;
}

/** Aggregates source values into one outcome, or refuses. */
export function aggregate(question: Question, entry: QuestionEntry, values: SourceValue[]): Answer {
  const evidence = evidenceOf(question.id, values);
  if (question.kind === Kind.Scalar) {
    const numbers = values.map((v) => parseDecimal(v.value, entry.decimals));
    const outcomes = numbers.map((n) => scalarOutcome(question, n));
    const spread = Math.max(...outcomes) - Math.min(...outcomes);
    if (spread > question.tolerance) {
      throw new Refusal(
        'disagreement',
        `sources are ${spread} ticks apart, tolerance ${question.tolerance}: ${values.map((v) => v.value).join(', ')}`,
      );
    }
    const value = median(numbers);
    return { outcome: scalarOutcome(question, value), value, values, evidence };
  }
  const outcomes = new Set(values.map((v) => categoricalOutcome(question, entry, v.value)));
  if (outcomes.size > 1) {
    throw new Refusal('disagreement', `sources name different outcomes: ${[...outcomes].join(', ')}`);
  }
  return { outcome: [...outcomes][0]!, values, evidence };
}

/** Reads every source of `entry` and aggregates; refuses when any source fails. */
export async function answer({
  question,
  entry,
  template,
  timeoutMs,
}: {
  question: Question;
  entry: QuestionEntry;
  template: Template;
  timeoutMs: number;
}): Promise<Answer> {
  const settled = await Promise.allSettled(
    entry.sources.map((source) => readSource(source, template, { timeoutMs })),
  );
  const failures = settled.flatMap((s) =>
    s.status === 'rejected' ? [s.reason instanceof SourceError ? s.reason.message : String(s.reason)] : [],
  );
  if (failures.length > 0) throw new Refusal('source_error', failures.join('; '));
  return aggregate(
    question,
    entry,
    settled.map((s) => (s as PromiseFulfilledResult<SourceValue>).value),
  );
}
