/**
 * `stoa status`: the chain, the deployment and its contracts, the share token (supply, holders),
 * open proposals, oracle questions, and the health of agents given with `--health <url...>`.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { type Address, formatUnits } from 'viem';
import { governanceAbi, oracleAbi, securityTokenAbi } from '../../generated/abis.js';
import { ProposalStatus } from '../../governance/nns.js';
import { Status } from '../../oracle/answer.js';
import { enumNames } from '../../runtime/enums.js';
import { redactUrl } from '../../runtime/errors.js';
import { type CliContext, createCliContext } from '../context.js';
import { action, chainOptions, examples } from '../options.js';

const PROPOSAL_STATUS = enumNames(ProposalStatus);
const QUESTION_STATUS = enumNames(Status);
/** At most this many of the newest proposals and questions are listed. */
const LIMIT = 20;

const newest = (count: bigint) => {
  const ids: bigint[] = [];
  for (let id = count; id >= 1n && ids.length < LIMIT; id--) ids.push(id);
  return ids;
};

async function tokenStatus(ctx: CliContext, address: Address) {
  const token = { address, abi: securityTokenAbi } as const;
  const [name, symbol, decimals, supply, holders, paused] = await Promise.all([
    ctx.client.readContract({ ...token, functionName: 'name' }),
    ctx.client.readContract({ ...token, functionName: 'symbol' }),
    ctx.client.readContract({ ...token, functionName: 'decimals' }),
    ctx.client.readContract({ ...token, functionName: 'totalSupply' }),
    ctx.client.readContract({ ...token, functionName: 'holderCount' }),
    ctx.client.readContract({ ...token, functionName: 'paused' }),
  ]);
  return { address, name, symbol, decimals, totalSupply: formatUnits(supply, decimals), holders, paused };
}

async function proposalsStatus(ctx: CliContext, address: Address) {
  const governance = { address, abi: governanceAbi } as const;
  const count = await ctx.client.readContract({ ...governance, functionName: 'proposalCount' });
  const all = await Promise.all(
    newest(count).map(async (id) => {
      const [p, decision] = await Promise.all([
        ctx.client.readContract({ ...governance, functionName: 'proposal', args: [id] }),
        ctx.client.readContract({ ...governance, functionName: 'decision', args: [id] }),
      ]);
      return {
        id,
        status: PROPOSAL_STATUS[p.status]!,
        decision: PROPOSAL_STATUS[decision]!,
        yes: p.yes,
        no: p.no,
        deadline: p.deadline,
      };
    }),
  );
  return { count, open: all.filter((p) => p.status === 'Open') };
}

async function questionsStatus(ctx: CliContext, address: Address) {
  const oracle = { address, abi: oracleAbi } as const;
  const count = await ctx.client.readContract({ ...oracle, functionName: 'questionCount' });
  const questions = await Promise.all(
    newest(count).map(async (id) => {
      const state = await ctx.client.readContract({ ...oracle, functionName: 'state', args: [id] });
      return {
        id,
        status: QUESTION_STATUS[state.status]!,
        outcome: state.outcome,
        windowEnd: state.windowEnd,
      };
    }),
  );
  return { count, questions };
}

async function health(url: string) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return { url: redactUrl(url), ok: response.ok, status: response.status };
  } catch (error) {
    return { url: redactUrl(url), ok: false, error: (error as Error).message };
  }
}

export function register(program: Command): void {
  const command = chainOptions(
    program
      .command('status')
      .description(
        'chain, deployment and contracts, token supply and holders, open proposals, oracle questions',
      ),
  )
    .option('--health <url...>', "agents' health URLs to check (e.g. http://127.0.0.1:9464/healthz)")
    .action(
      action<[], { health?: string[] }>(async (_args, options) => {
        const ctx = await createCliContext(options);
        const block = await ctx.client.getBlockNumber();
        const chain = { id: ctx.chainId, block, rpc: redactUrl(options.rpc) };
        const agents = await Promise.all((options.health ?? []).map(health));
        if (!existsSync(ctx.deploymentFile)) {
          ctx.print(
            [
              `chain ${ctx.chainId} at block ${block}`,
              `no deployment file ${ctx.deploymentFile}: run \`stoa deploy\``,
            ],
            { chain, deployment: null, agents },
          );
          return;
        }
        const deployment = ctx.deployment();
        const [token, proposals, questions] = await Promise.all([
          tokenStatus(ctx, ctx.contract('securityToken')),
          proposalsStatus(ctx, ctx.contract('governance')),
          questionsStatus(ctx, ctx.contract('oracle')),
        ]);
        const lines = [
          `chain ${ctx.chainId} at block ${block} (${chain.rpc})`,
          `deployment ${ctx.deploymentFile}`,
          ...Object.entries(deployment).map(([name, address]) => `  ${name.padEnd(18)} ${String(address)}`),
          `token ${token.name} (${token.symbol}, ${token.decimals} decimals): supply ${token.totalSupply}, ${token.holders} holders${token.paused ? ', PAUSED' : ''}`,
          `proposals: ${proposals.count} in all, ${proposals.open.length} open`,
          ...proposals.open.map(
            (p) =>
              `  #${p.id} ${p.decision === 'Open' ? 'open' : `decided ${p.decision}`}: yes ${p.yes}, no ${p.no}, deadline ${new Date(Number(p.deadline) * 1000).toISOString()}`,
          ),
          `questions: ${questions.count} in all`,
          ...questions.questions.map((q) => `  #${q.id} ${q.status}, tentative outcome ${q.outcome}`),
          ...agents.map((a) => `agent ${a.url}: ${a.ok ? 'healthy' : `unhealthy (${a.status ?? a.error})`}`),
        ];
        ctx.print(lines, {
          chain,
          deployment: { file: ctx.deploymentFile, contracts: deployment },
          token,
          proposals,
          questions,
          agents,
        });
      }),
    );
  examples(command, [
    'stoa status',
    'stoa status --json | jq .token.totalSupply',
    'stoa status --health http://127.0.0.1:9464/healthz http://127.0.0.1:9465/healthz',
  ]);
}
