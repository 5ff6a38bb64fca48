/**
 * `stoa question create|report|dispute|finalize|show`: Augur-style oracle questions. REP bonds and
 * stakes are approved when needed. Answers: `invalid`; binary `yes`/`no`; categorical the outcome
 * number 1..n; scalar the value in `--decimals` (default 18); `outcome:<k>` for a raw outcome index.
 */
import type { Command } from 'commander';
import {
  formatUnits,
  type Hex,
  keccak256,
  parseEventLogs,
  parseUnits,
  toBytes,
  zeroAddress,
  zeroHash,
} from 'viem';
import { oracleAbi } from '../../generated/abis.js';
import { Status } from '../../oracle/answer.js';
import { enumNames } from '../../runtime/enums.js';
import {
  type CliContext,
  createCliContext,
  parseAddress,
  parseDuration,
  parseEnum,
  parseInteger,
} from '../context.js';
import { action, chainOptions, examples, usage } from '../options.js';

const KINDS = ['binary', 'categorical', 'scalar'] as const;
const STATUS = enumNames(Status);

const oracleOf = (ctx: CliContext) => ({ address: ctx.contract('oracle'), abi: oracleAbi }) as const;
const reference = (uri: string) => ({ uri, hash: keccak256(toBytes(uri)) });
const evidence = (text?: string): Hex => (text ? keccak256(toBytes(text)) : zeroHash);

function parseScalar(text: string, decimals: number, what: string): bigint {
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw usage(`${what}: not a decimal number: ${text}`);
  if ((text.split('.')[1] ?? '').length > decimals)
    throw usage(`${what}: more than ${decimals} decimals: ${text}`);
  return parseUnits(text, decimals);
}

async function questionConfig(ctx: CliContext, id: bigint) {
  const oracle = oracleOf(ctx);
  const count = await ctx.client.readContract({ ...oracle, functionName: 'questionCount' });
  if (id === 0n || id > count) throw usage(`question ${id} does not exist (${count} questions)`);
  return ctx.client.readContract({ ...oracle, functionName: 'config', args: [id] });
}

/** The outcome index of `answer` for a question with `config`. */
function outcomeOf(
  answer: string,
  config: Awaited<ReturnType<typeof questionConfig>>,
  decimals: number,
): number {
  const raw = /^outcome:(\d+)$/.exec(answer);
  let outcome: number;
  if (raw) outcome = Number(raw[1]);
  else if (answer.toLowerCase() === 'invalid') outcome = 0;
  else if (config.kind === 0) {
    if (!/^(yes|no)$/i.test(answer))
      throw usage(`answer: yes, no or invalid for a binary question, not ${answer}`);
    outcome = answer.toLowerCase() === 'yes' ? 2 : 1;
  } else if (config.kind === 1) {
    outcome = Number(parseInteger(answer, 'answer'));
  } else {
    const value = parseScalar(answer, decimals, 'answer');
    const offset = value - BigInt(config.min);
    if (offset < 0n || offset % BigInt(config.tick) !== 0n)
      throw usage(
        `answer: ${answer} is not min + k x tick for this question (tick ${formatUnits(config.tick, decimals)})`,
      );
    outcome = Number(offset / BigInt(config.tick)) + 1;
  }
  if (outcome >= config.numOutcomes)
    throw usage(`answer: outcome ${outcome} out of range (0..${config.numOutcomes - 1})`);
  return outcome;
}

export function register(program: Command): void {
  const question = program.command('question').description('oracle questions (REP bonds and stakes)');

  const create = chainOptions(
    question
      .command('create')
      .description('create a question; the key posts the validity and no-show bonds in REP'),
  )
    .requiredOption('--kind <kind>', `one of ${KINDS.join(', ')}`)
    .requiredOption('--text <uri>', 'the question text (URI; its keccak256 is stored)')
    .requiredOption('--reporter <address>', 'the designated reporter')
    .option('--subject <address>', 'the asset the question is about (the price feed prices only it)')
    .option('--source <uri>', 'resolution source', '')
    .option('--evidence-rules <uri>', 'evidence rules', '')
    .option('--end <time>', 'end of the event: time from now (e.g. 90, 1h, 2d) or an ISO date', '1h')
    .option('--outcomes <n>', 'categorical: number of valid outcomes')
    .option('--min <value>', 'scalar: lowest value')
    .option('--max <value>', 'scalar: highest value')
    .option('--tick <value>', 'scalar: value step')
    .option('--tolerance <ticks>', 'scalar: ticks within which a value counts as correct', '0')
    .option('--decimals <n>', 'scalar: decimals of min, max and tick', '18')
    .action(
      action<
        [],
        {
          kind: string;
          text: string;
          reporter: string;
          subject?: string;
          source: string;
          evidenceRules: string;
          end: string;
          outcomes?: string;
          min?: string;
          max?: string;
          tick?: string;
          tolerance: string;
          decimals: string;
        }
      >(async (_args, options) => {
        const kind = parseEnum(options.kind, KINDS, '--kind');
        const reporter = parseAddress(options.reporter, '--reporter');
        const subject =
          options.subject === undefined ? zeroAddress : parseAddress(options.subject, '--subject');
        const decimals = Number(parseInteger(options.decimals, '--decimals'));
        const scalar = kind === 2;
        if (scalar && (options.min === undefined || options.max === undefined || options.tick === undefined))
          throw usage('a scalar question needs --min, --max and --tick');
        if (kind === 1 && options.outcomes === undefined)
          throw usage('a categorical question needs --outcomes');
        const ctx = await createCliContext(options);
        const oracle = oracleOf(ctx);
        const now = await ctx.now();
        const endTime = /^\d{4}-\d\d-\d\d/.test(options.end)
          ? Math.floor(Date.parse(options.end) / 1000)
          : now + parseDuration(options.end, '--end');
        if (Number.isNaN(endTime)) throw usage(`--end: not a date: ${options.end}`);
        const params = {
          kind,
          outcomeCount: kind === 1 ? Number(parseInteger(options.outcomes!, '--outcomes')) : 0,
          min: scalar ? parseScalar(options.min!, decimals, '--min') : 0n,
          max: scalar ? parseScalar(options.max!, decimals, '--max') : 0n,
          tick: scalar ? parseScalar(options.tick!, decimals, '--tick') : 0n,
          tolerance: scalar ? Number(parseInteger(options.tolerance, '--tolerance')) : 0,
          endTime,
          designatedReporter: reporter,
          subject,
          text: reference(options.text),
          source: reference(options.source),
          evidenceRules: reference(options.evidenceRules),
        };
        const [parameters, rep] = await Promise.all([
          ctx.client.readContract({ ...oracle, functionName: 'parameters' }),
          ctx.client.readContract({ ...oracle, functionName: 'reputation' }),
        ]);
        await ctx.ensureAllowance(rep, oracle.address, parameters.validityBond + parameters.noShowBond);
        const { hash, receipt } = await ctx.send({
          ...oracle,
          functionName: 'createQuestion',
          args: [params],
        });
        const [created] = parseEventLogs({
          abi: oracleAbi,
          logs: receipt.logs,
          eventName: 'QuestionCreated',
        });
        const id = created!.args.questionId;
        ctx.print(
          `question ${id} (${KINDS[kind]}) "${options.text}": reporter ${reporter}, ends ${new Date(endTime * 1000).toISOString()} (tx ${hash})`,
          { question: id, kind: KINDS[kind], text: options.text, reporter, endTime, transaction: hash },
        );
      }),
    );
  examples(create, [
    'stoa question create --kind binary --text ipfs://.../q.md --reporter 0xReporter --end 1h',
    'stoa question create --kind scalar --text stoa://nav/STOA/2026-11-23 --reporter 0xReporter --min 0 --max 1000 --tick 0.01 --tolerance 2',
  ]);

  const report = chainOptions(
    question
      .command('report')
      .description(
        'initial report (the designated reporter stakes the report bond; after its window anyone may)',
      ),
  )
    .argument('<question>', 'question id')
    .argument('<answer>', 'invalid | yes | no | outcome number | scalar value | outcome:<k>')
    .option('--evidence <text>', 'evidence (its keccak256 is recorded)')
    .option('--decimals <n>', 'scalar: decimals of the value', '18')
    .action(
      action<[string, string], { evidence?: string; decimals: string }>(async ([idText, answer], options) => {
        const id = parseInteger(idText, 'question');
        const decimals = Number(parseInteger(options.decimals, '--decimals'));
        const ctx = await createCliContext(options);
        const oracle = oracleOf(ctx);
        const config = await questionConfig(ctx, id);
        const outcome = outcomeOf(answer, config, decimals);
        if (config.designatedReporter.toLowerCase() === ctx.account.address.toLowerCase()) {
          const [parameters, rep] = await Promise.all([
            ctx.client.readContract({ ...oracle, functionName: 'parameters' }),
            ctx.client.readContract({ ...oracle, functionName: 'reputation' }),
          ]);
          await ctx.ensureAllowance(rep, oracle.address, parameters.reportBond);
        }
        const { hash } = await ctx.send({
          ...oracle,
          functionName: 'initialReport',
          args: [id, outcome, evidence(options.evidence)],
        });
        const state = await ctx.client.readContract({ ...oracle, functionName: 'state', args: [id] });
        ctx.print(
          `question ${id}: reported outcome ${outcome} (${answer}), ${formatUnits(state.totalStake, 18)} REP staked; dispute window until ${new Date(state.windowEnd * 1000).toISOString()} (tx ${hash})`,
          { question: id, outcome, stake: state.totalStake, windowEnd: state.windowEnd, transaction: hash },
        );
      }),
    );
  examples(report, [
    'stoa question report 1 yes',
    'stoa question report 2 102.35 --evidence "NAV statement 2026-11-23"',
  ]);

  const dispute = chainOptions(
    question
      .command('dispute')
      .description('stake REP on another outcome in the open dispute round (approves it first)'),
  )
    .argument('<question>', 'question id')
    .argument('<answer>', 'the outcome to stake on (as for report)')
    .argument('<amount>', 'REP to stake (the round accepts at most what fills it)')
    .option('--evidence <text>', 'evidence (its keccak256 is recorded)')
    .option('--decimals <n>', 'scalar: decimals of the value', '18')
    .action(
      action<[string, string, string], { evidence?: string; decimals: string }>(
        async ([idText, answer, amountText], options) => {
          const id = parseInteger(idText, 'question');
          const decimals = Number(parseInteger(options.decimals, '--decimals'));
          const ctx = await createCliContext(options);
          const oracle = oracleOf(ctx);
          const config = await questionConfig(ctx, id);
          const outcome = outcomeOf(answer, config, decimals);
          const rep = await ctx.client.readContract({ ...oracle, functionName: 'reputation' });
          const amount = await ctx.amount(rep, amountText);
          await ctx.ensureAllowance(rep, oracle.address, amount);
          const { hash, result } = await ctx.send({
            ...oracle,
            functionName: 'contribute',
            args: [id, outcome, amount, evidence(options.evidence)],
          });
          const state = await ctx.client.readContract({ ...oracle, functionName: 'state', args: [id] });
          ctx.print(
            `question ${id}: ${formatUnits(result as bigint, 18)} REP staked on outcome ${outcome}; ${STATUS[state.status]}, tentative outcome ${state.outcome} (tx ${hash})`,
            {
              question: id,
              outcome,
              accepted: result,
              status: STATUS[state.status],
              tentativeOutcome: state.outcome,
              transaction: hash,
            },
          );
        },
      ),
    );
  examples(dispute, ['stoa question dispute 2 102.35 25']);

  const finalize = chainOptions(
    question.command('finalize').description('finalize a question whose dispute window has passed quietly'),
  )
    .argument('<question>', 'question id')
    .action(
      action<[string], object>(async ([idText], options) => {
        const id = parseInteger(idText, 'question');
        const ctx = await createCliContext(options);
        const oracle = oracleOf(ctx);
        await questionConfig(ctx, id);
        const { hash } = await ctx.send({ ...oracle, functionName: 'finalize', args: [id] });
        const state = await ctx.client.readContract({ ...oracle, functionName: 'state', args: [id] });
        ctx.print(`question ${id}: final outcome ${state.outcome} (tx ${hash})`, {
          question: id,
          outcome: state.outcome,
          transaction: hash,
        });
      }),
    );
  examples(finalize, ['stoa question finalize 1']);

  const show = chainOptions(
    question.command('show').description('a question: kind, status, tentative outcome, rounds'),
  )
    .argument('<question>', 'question id')
    .option('--decimals <n>', 'scalar: decimals of values', '18')
    .action(
      action<[string], { decimals: string }>(async ([idText], options) => {
        const id = parseInteger(idText, 'question');
        const decimals = Number(parseInteger(options.decimals, '--decimals'));
        const ctx = await createCliContext(options);
        const oracle = oracleOf(ctx);
        const config = await questionConfig(ctx, id);
        const state = await ctx.client.readContract({ ...oracle, functionName: 'state', args: [id] });
        const rounds = await Promise.all(
          Array.from({ length: state.rounds + (state.status === 0 ? 0 : 1) }, (_, i) =>
            ctx.client.readContract({ ...oracle, functionName: 'round', args: [id, BigInt(i)] }),
          ),
        );
        const value =
          config.kind === 2 && state.status !== 0 && state.outcome !== 0
            ? formatUnits(
                await ctx.client.readContract({
                  ...oracle,
                  functionName: 'valueOf',
                  args: [id, state.outcome],
                }),
                decimals,
              )
            : null;
        const data = {
          question: id,
          kind: KINDS[config.kind],
          status: STATUS[state.status],
          outcome: state.outcome,
          value,
          designatedReporter: config.designatedReporter,
          creator: config.creator,
          endTime: config.endTime,
          windowEnd: state.windowEnd,
          totalStake: state.totalStake,
          rounds: rounds.map((r) => ({ outcome: r.outcome, stake: r.stake })),
        };
        ctx.print(
          [
            `question ${id} (${data.kind}): ${data.status}, ${state.status === 0 ? 'not reported yet' : `tentative outcome ${state.outcome}${value !== null ? ` (value ${value})` : ''}`}`,
            `  reporter ${config.designatedReporter}; ends ${new Date(config.endTime * 1000).toISOString()}; window until ${new Date(state.windowEnd * 1000).toISOString()}`,
            ...rounds.map(
              (r, i) => `  round ${i}: outcome ${r.outcome}, stake ${formatUnits(r.stake, 18)} REP`,
            ),
          ],
          data,
        );
      }),
    );
  examples(show, ['stoa question show 1', 'stoa question show 1 --json']);
}
