/**
 * The Augur-style oracle, step by step: a NAV question on the fund, a designated reporter (Mallory)
 * who lies, two dispute-watcher agents with their own sources (a local HTTP JSON server and a JSON
 * file under `.stoa/`) that dispute, the keeper agent finalizing the true NAV after the window (time
 * travel), the payouts and the price feed. `startOracleAgents` starts the data sources and the agent
 * processes for `start.ts`; the steps check the chain and throw when the platform misbehaves.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { formatUnits, keccak256, maxUint256, parseUnits, stringToBytes } from 'viem';
import { oracleAbi, oraclePriceFeedAbi, reputationAbi } from '../../generated/abis.js';
import { operatorConfig, stackDir, startAgentProcesses } from '../agents.js';
import type { Service } from '../services.js';
import {
  devKey,
  type LayerAgents,
  type Person,
  type ScenarioContext,
  type ScenarioStep,
  type StackInfo,
} from './context.js';
import { check, send } from './tx.js';

const FUND = 'STOA';
const TRUE_NAV = '102.35';
const LIE_NAV = '95.10';
const QUESTION_URI = `stoa://nav/${FUND}/2026-11-23`;
const REP_EACH = 1_000n * 10n ** 18n;
/** NAV per share from 0 to 1,000 in steps of 0.01 (18 decimals); 2 ticks of tolerance. */
const NAV = { min: 0n, max: 1_000n * 10n ** 18n, tick: 10n ** 16n, tolerance: 2 };
const Status = { Reported: 1, Disputed: 2, Final: 3 } as const;
const REPORTER: Person = 'mallory';
const WATCHERS = ['watcher1', 'watcher2'] as const satisfies readonly Person[];
const KEEPER: Person = 'oracleKeeper';

const navOutcome = (nav: string) => Number(parseUnits(nav, 18) / NAV.tick) + 1;
const showRep = (amount: bigint) => `${formatUnits(amount, 18)} REP`;

const oracle = (ctx: ScenarioContext) => ({ abi: oracleAbi, address: ctx.deployment.oracle! });
const reputation = (ctx: ScenarioContext) => ({ abi: reputationAbi, address: ctx.deployment.reputation! });
const feed = (ctx: ScenarioContext) => ({
  abi: oraclePriceFeedAbi,
  address: ctx.deployment.oraclePriceFeed!,
});

/** A JSON NAV source over real HTTP on a free loopback port: `GET /funds/<fund>/nav`. */
async function startNavServer(): Promise<Service> {
  const server = createServer((req, res) => {
    if (req.url === `/funds/${FUND}/nav`)
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ fund: FUND, nav: TRUE_NAV }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Starts the NAV sources (the HTTP server, `.stoa/oracle/nav-<fund>.json`), two dispute watchers
 * (each its own key and Redis prefix) and the keeper; returns them as services to stop.
 */
export async function startOracleAgents(args: StackInfo): Promise<LayerAgents> {
  const navServer = await startNavServer();
  const services: Service[] = [navServer];
  const dir = join(stackDir, 'oracle');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `nav-${FUND}.json`), `${JSON.stringify({ nav: TRUE_NAV })}\n`);
  const httpSource = { type: 'http', url: `${navServer.url}/funds/{fund}/nav`, path: 'nav' };
  const fileSource = { type: 'file', path: join(dir, 'nav-{fund}.json'), json_path: 'nav' };
  const contracts = { oracle: args.deployment.oracle! };
  const watcherSources = [[httpSource], [httpSource, fileSource]];
  try {
    services.push(
      ...(await startAgentProcesses(args, [
        // Independent operators: each its own queues and cursor (agents/oracle/README.md).
        ...WATCHERS.map((who, i) => ({
          name: `dispute-watcher-${i + 1}`,
          role: 'dispute-watcher',
          contracts,
          privateKey: devKey(who),
          config: operatorConfig(args.redisUrl, who),
          settings: {
            questions: [
              { match: { uri: '^stoa://nav/(?<fund>[A-Z]+)/' }, decimals: 18, sources: watcherSources[i] },
            ],
            bond_budget: '200',
            max_stake_per_round: '25',
          },
        })),
        {
          name: 'oracle-keeper',
          role: 'oracle-keeper',
          contracts,
          privateKey: devKey(KEEPER),
          config: operatorConfig(args.redisUrl, 'oracle-keeper'),
        },
      ])),
    );
  } catch (error) {
    await navServer.stop();
    throw error;
  }
  return {
    services,
    summary: `dispute-watcher-1, dispute-watcher-2, oracle-keeper (NAV source ${navServer.url}, file ${dir})`,
  };
}

const repBalance = (ctx: ScenarioContext, who: Person) =>
  ctx.client.readContract({
    ...reputation(ctx),
    functionName: 'balanceOf',
    args: [ctx.accounts[who].address],
  });
const questionState = (ctx: ScenarioContext, id: bigint) =>
  ctx.client.readContract({ ...oracle(ctx), functionName: 'state', args: [id] });
const navOf = async (ctx: ScenarioContext, id: bigint, outcome: number) =>
  formatUnits(
    await ctx.client.readContract({ ...oracle(ctx), functionName: 'valueOf', args: [id, outcome] }),
    18,
  );

/** The demo's question (the first one of the oracle). */
const QUESTION_ID = 1n;

export const oracleSteps: ScenarioStep[] = [
  {
    title: `REP for Mallory (designated reporter) and two dispute watchers; a NAV question on ${FUND}`,
    async run(ctx) {
      for (const who of [REPORTER, ...WATCHERS])
        await send(ctx, 'deployer', {
          ...reputation(ctx),
          functionName: 'transfer',
          args: [ctx.accounts[who].address, REP_EACH],
        });
      // The creator posts the validity and no-show bonds.
      await send(ctx, 'deployer', {
        ...reputation(ctx),
        functionName: 'approve',
        args: [oracle(ctx).address, maxUint256],
      });
      const now = (await ctx.client.getBlock()).timestamp;
      const reference = (text: string) => ({ uri: text, hash: keccak256(stringToBytes(text)) });
      await send(ctx, 'deployer', {
        ...oracle(ctx),
        functionName: 'createQuestion',
        args: [
          {
            kind: 2,
            outcomeCount: 0,
            min: NAV.min,
            max: NAV.max,
            tick: NAV.tick,
            tolerance: NAV.tolerance,
            endTime: Number(now) + 5,
            designatedReporter: ctx.accounts[REPORTER].address,
            // The fund's share token: the price feed takes this question's value only for it.
            subject: ctx.deployment.securityToken!,
            text: reference(QUESTION_URI),
            source: reference(`https://nav.example/funds/${FUND}`),
            evidenceRules: reference('ipfs://stoa-demo/nav-evidence-rules.md'),
          },
        ],
      });
      check(
        'question count',
        await ctx.client.readContract({ ...oracle(ctx), functionName: 'questionCount' }),
        1n,
      );
      return `question ${QUESTION_ID} "${QUESTION_URI}": NAV 0..1000 by 0.01, tolerance ${NAV.tolerance} ticks; ${showRep(REP_EACH)} each`;
    },
  },
  {
    title: `Mallory reports a wrong NAV (${LIE_NAV} instead of ${TRUE_NAV}), staking the report bond`,
    async run(ctx) {
      await ctx.travel(6);
      await send(ctx, REPORTER, {
        ...reputation(ctx),
        functionName: 'approve',
        args: [oracle(ctx).address, maxUint256],
      });
      await send(ctx, REPORTER, {
        ...oracle(ctx),
        functionName: 'initialReport',
        args: [QUESTION_ID, navOutcome(LIE_NAV), keccak256(stringToBytes(`${FUND} NAV ${LIE_NAV}`))],
      });
      const state = await questionState(ctx, QUESTION_ID);
      check('status', state.status, Status.Reported);
      return `tentative NAV ${await navOf(ctx, QUESTION_ID, state.outcome)}, ${showRep(state.totalStake)} staked; dispute window open`;
    },
  },
  {
    title: 'Dispute watcher agents check the report against their own sources and dispute it',
    async run(ctx) {
      const state = await ctx.waitFor('the lie disputed', async () => {
        const s = await questionState(ctx, QUESTION_ID);
        return s.status === Status.Disputed && s;
      });
      check('tentative outcome', state.outcome, navOutcome(TRUE_NAV));
      const stakes = await Promise.all(
        WATCHERS.map((who) =>
          ctx.client.readContract({
            ...oracle(ctx),
            functionName: 'stakeOf',
            args: [QUESTION_ID, 1n, navOutcome(TRUE_NAV), ctx.accounts[who].address],
          }),
        ),
      );
      for (const [i, who] of WATCHERS.entries())
        ctx.progress.info(`${who} staked ${showRep(stakes[i]!)} on ${TRUE_NAV}`);
      check(
        'disputed by both watchers',
        stakes.every((s) => s > 0n),
        true,
      );
      return `round 1 filled (${showRep(stakes.reduce((a, b) => a + b, 0n))}); tentative NAV ${await navOf(ctx, QUESTION_ID, state.outcome)}`;
    },
  },
  {
    title: 'The dispute window passes quietly (time travel); the keeper agent finalizes',
    async run(ctx) {
      const { shortDisputeWindow } = await ctx.client.readContract({
        ...oracle(ctx),
        functionName: 'parameters',
      });
      await ctx.travel(shortDisputeWindow + 1);
      await ctx.waitFor(
        'finalized',
        async () => (await questionState(ctx, QUESTION_ID)).status === Status.Final,
      );
      const [value] = await ctx.client.readContract({
        ...oracle(ctx),
        functionName: 'finalValue',
        args: [QUESTION_ID],
      });
      check('final NAV', formatUnits(value, 18), TRUE_NAV);
      return `final NAV ${formatUnits(value, 18)} after ${shortDisputeWindow / 60} minutes of chain time`;
    },
  },
  {
    title: 'Payouts: the liar loses its bond, the watchers redeem their stake plus a reward',
    async run(ctx) {
      const paid = await ctx.waitFor('watchers paid', async () => {
        const balances = await Promise.all(WATCHERS.map((who) => repBalance(ctx, who)));
        return balances.every((b) => b > REP_EACH) && balances;
      });
      const liar = await repBalance(ctx, REPORTER);
      ctx.progress.info(`${REPORTER}: ${showRep(REP_EACH)} -> ${showRep(liar)}`);
      for (const [i, who] of WATCHERS.entries())
        ctx.progress.info(`${who}: ${showRep(REP_EACH)} -> ${showRep(paid[i]!)}`);
      const { reportBond } = await ctx.client.readContract({ ...oracle(ctx), functionName: 'parameters' });
      check('liar balance', liar, REP_EACH - reportBond);
      const { burned } = await finalizedEvent(ctx);
      const reward = paid.reduce((a, b) => a + b - REP_EACH, 0n);
      check('reward + burned', reward + burned, reportBond);
      return `liar -${showRep(reportBond)}; watchers +${showRep(reward)} together; ${showRep(burned)} burned`;
    },
  },
  {
    title: `Price feed: the fund's NAV per share, read by baskets`,
    async run(ctx) {
      const asset = ctx.deployment.securityToken!;
      await send(ctx, 'deployer', { ...feed(ctx), functionName: 'setQuestion', args: [asset, QUESTION_ID] });
      const [value, updatedAt] = await ctx.client.readContract({
        ...feed(ctx),
        functionName: 'price',
        args: [asset],
      });
      check('feed value', formatUnits(value, 18), TRUE_NAV);
      return `price(securityToken) = ${formatUnits(value, 18)} (observed at ${new Date(Number(updatedAt) * 1000).toISOString()})`;
    },
  },
];

async function finalizedEvent(ctx: ScenarioContext) {
  const [event] = await ctx.events({
    ...oracle(ctx),
    eventName: 'Finalized',
    args: { questionId: QUESTION_ID },
  });
  if (!event) throw new Error('no Finalized event');
  return event.args as { burned: bigint };
}
