/**
 * Shareholder governance on the security token, after the NNS: holders stake shares in neurons,
 * follow each other, Alice proposes a compliance change, the cascade keeper agent derives the
 * followers' votes, and the adopted proposal is settled and executed after its timelock. Runs
 * after the token scenario (Alice's new wallet, Bob and Carol are verified holders; Dave is in
 * the US, a country the token does not allow yet).
 */
import { createTestClient, encodeFunctionData, http, keccak256, toBytes } from 'viem';
import { governanceAbi, neuronsAbi, securityTokenAbi } from '../../generated/abis.js';
import { unpackDecidedBy } from '../../governance/nns.js';
import { COUNTRY } from '../../token/kyc.js';
import { startAgentProcess } from '../agents.js';
import {
  devKey,
  type LayerAgents,
  type Person,
  type ScenarioContext,
  type ScenarioStep,
  type StackInfo,
} from './context.js';
import { token } from './token.js';
import { check, refusal, send } from './tx.js';

/** Confirmation depth of the cascade keeper in the local stack. */
const KEEPER_CONFIRMATIONS = 1;

/** The cascade keeper, deriving followers' votes and submitting them in batches. */
export async function startGovernanceAgents(stack: StackInfo): Promise<LayerAgents> {
  const keeper = await startAgentProcess({
    ...stack,
    name: 'cascade-keeper',
    role: 'cascade-keeper',
    contracts: { governance: stack.deployment.governance! },
    config: {
      ingest: { confirmations: KEEPER_CONFIRMATIONS, poll_interval_ms: 200 },
      sender: { poll_interval_ms: 100 },
    },
    privateKey: devKey('cascadeKeeper'),
  });
  return { services: [keeper], summary: `cascade-keeper (health ${keeper.httpUrl}/healthz)` };
}

const DAY = 24 * 3600;
const YEAR = 365 * DAY;
/** `IGovernance.Topic.TokenCompliance` and `ProposalStatus`, as the contract numbers them. */
const TOKEN_COMPLIANCE = 1;
const STATUS = ['open', 'adopted', 'rejected', 'executed'] as const;
const NEW_MAX_HOLDERS = 4;
const MAX_BALANCE = 600n;
const SUMMARY = 'Allow US investors (country 840) and up to 4 holders';
const SUMMARY_URI = 'ipfs://stoa-demo/proposal-1.md';

const stakes: { who: Person; amount: bigint; delay: number; delayText: string }[] = [
  { who: 'aliceNewWallet', amount: 100n, delay: 8 * YEAR, delayText: '8 years' },
  { who: 'bob', amount: 50n, delay: YEAR, delayText: '1 year' },
  { who: 'carol', amount: 200n, delay: 180 * DAY, delayText: '6 months' },
];
/** Who follows whom on the TokenCompliance topic (Carol's vote depends on Bob's derived one). */
const following: { who: Person; followees: Person[] }[] = [
  { who: 'bob', followees: ['aliceNewWallet'] },
  { who: 'carol', followees: ['aliceNewWallet', 'bob'] },
];

const governance = (ctx: ScenarioContext) => ({ abi: governanceAbi, address: ctx.deployment.governance! });
const neurons = (ctx: ScenarioContext) => ({ abi: neuronsAbi, address: ctx.deployment.neurons! });

/** The proposal's actions: the executor (COMPLIANCE role) allows the US and raises the holder limit. */
function actions(ctx: ScenarioContext) {
  const call = (data: `0x${string}`) => ({ target: token(ctx).address, value: 0n, data });
  return [
    call(
      encodeFunctionData({
        abi: securityTokenAbi,
        functionName: 'setCountriesAllowed',
        args: [[COUNTRY.US], true],
      }),
    ),
    call(
      encodeFunctionData({
        abi: securityTokenAbi,
        functionName: 'setLimits',
        args: [NEW_MAX_HOLDERS, MAX_BALANCE],
      }),
    ),
  ];
}

/** The neuron `who` staked (from `NeuronStaked`). */
async function neuronOf(ctx: ScenarioContext, who: Person): Promise<number> {
  const [log] = await ctx.client.getContractEvents({
    ...neurons(ctx),
    eventName: 'NeuronStaked',
    args: { owner: ctx.accounts[who].address },
    fromBlock: 0n,
  });
  if (!log?.args.neuronId) throw new Error(`${who} has no neuron`);
  return log.args.neuronId;
}

/** `name#id` of a neuron, e.g. `bob#2`. */
async function neuronNames(ctx: ScenarioContext): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const { who } of stakes) {
    const id = await neuronOf(ctx, who);
    names.set(id, `${who}#${id}`);
  }
  return names;
}

async function proposalId(ctx: ScenarioContext): Promise<bigint> {
  return ctx.client.readContract({ ...governance(ctx), functionName: 'proposalCount' });
}

async function canTransferToDave(ctx: ScenarioContext): Promise<[boolean, number]> {
  const [allowed, code] = await ctx.client.readContract({
    ...token(ctx),
    functionName: 'canTransfer',
    args: [ctx.accounts.carol.address, ctx.accounts.dave.address, 10n],
  });
  return [allowed, code];
}

export const governanceSteps: ScenarioStep[] = [
  {
    title:
      'Staking: Alice, Bob and Carol lock shares in neurons (the agent first releases Bob’s frozen shares)',
    async run(ctx) {
      await send(ctx, 'deployer', {
        ...token(ctx),
        functionName: 'unfreezePartialTokens',
        args: [ctx.accounts.bob.address, 50n],
      });
      for (const { who, amount, delay } of stakes) {
        await send(ctx, who, {
          ...token(ctx),
          functionName: 'approve',
          args: [neurons(ctx).address, amount],
        });
        await send(ctx, who, { ...neurons(ctx), functionName: 'stake', args: [amount, delay] });
      }
      const notVerified = await refusal(ctx, 'mallory', {
        ...neurons(ctx),
        functionName: 'stake',
        args: [0n, YEAR],
      });
      check('Mallory cannot stake', notVerified.name, 'NeuronsIdentityNotVerified');
      for (const { who, amount, delayText } of stakes) {
        const id = await neuronOf(ctx, who);
        const power = await ctx.client.readContract({
          ...governance(ctx),
          functionName: 'votingPower',
          args: [id],
        });
        check(`${who}'s voting power`, power > 0n, true);
        ctx.progress.info(
          `${who}#${id}: ${amount} shares, dissolve delay ${delayText}, voting power ${power}`,
        );
      }
      const locked = await ctx.client.readContract({
        ...token(ctx),
        functionName: 'balanceOf',
        args: [neurons(ctx).address],
      });
      check('shares held by Neurons', locked, 350n);
      return `${stakes.length} neurons, ${locked} shares locked; Mallory: ${notVerified.text}`;
    },
  },
  {
    title: 'Following: Bob follows Alice on TokenCompliance; Carol follows Alice and Bob',
    async run(ctx) {
      const names = await neuronNames(ctx);
      for (const { who, followees } of following) {
        const id = await neuronOf(ctx, who);
        const ids = await Promise.all(followees.map((f) => neuronOf(ctx, f)));
        await send(ctx, who, {
          ...governance(ctx),
          functionName: 'setFollowing',
          args: [id, TOKEN_COMPLIANCE, ids],
        });
        const stored = await ctx.client.readContract({
          ...governance(ctx),
          functionName: 'followees',
          args: [id, TOKEN_COMPLIANCE],
        });
        check(`${who}'s followees`, stored.join(','), ids.join(','));
        ctx.progress.info(
          `${names.get(id)} follows ${ids.map((f) => names.get(f)).join(' and ')} on TokenCompliance`,
        );
      }
      return 'follow graph of 2 followers on chain';
    },
  },
  {
    title: `Proposal: Alice proposes to allow US investors and raise the holder limit to ${NEW_MAX_HOLDERS}`,
    async run(ctx) {
      const [allowedBefore, code] = await canTransferToDave(ctx);
      check('Carol -> Dave before', allowedBefore, false);
      ctx.progress.info(`before: canTransfer(carol -> dave, 10) = false, code ${code} (US not allowed)`);
      const { rejectFee } = await ctx.client.readContract({ ...governance(ctx), functionName: 'params' });
      await send(ctx, 'aliceNewWallet', {
        ...token(ctx),
        functionName: 'approve',
        args: [governance(ctx).address, rejectFee],
      });
      await send(ctx, 'aliceNewWallet', {
        ...governance(ctx),
        functionName: 'propose',
        args: [
          await neuronOf(ctx, 'aliceNewWallet'),
          TOKEN_COMPLIANCE,
          actions(ctx),
          SUMMARY_URI,
          keccak256(toBytes(SUMMARY)),
        ],
      });
      const id = await proposalId(ctx);
      const p = await ctx.client.readContract({ ...governance(ctx), functionName: 'proposal', args: [id] });
      check('status after proposing', STATUS[p.status], 'open');
      check("Alice's yes alone a majority", p.yes * 2n > p.totalPower, false);
      ctx.progress.info(
        `proposal ${id}: "${SUMMARY}" (${SUMMARY_URI}), reject fee ${rejectFee} escrowed; Alice's yes ${p.yes} of total ${p.totalPower}, not a majority`,
      );
      return `proposal ${id} open until ${new Date(Number(p.deadline) * 1000).toISOString()}`;
    },
  },
  {
    title: 'Cascade keeper agent: derives Bob’s and Carol’s votes from their followees (resolveFollowers)',
    async run(ctx) {
      const id = await proposalId(ctx);
      const names = await neuronNames(ctx);
      const resolved = () =>
        ctx.client.getContractEvents({
          ...governance(ctx),
          eventName: 'FollowerResolved',
          args: { proposalId: id },
          fromBlock: 0n,
        });
      // The chain moves on so that the proposer's vote reaches the keeper's confirmation depth.
      let logs = await resolved();
      const deadline = Date.now() + 60_000;
      while (logs.length < following.length && Date.now() < deadline) {
        await ctx.mine(KEEPER_CONFIRMATIONS);
        await new Promise((r) => setTimeout(r, 300));
        logs = await resolved();
      }
      check('ballots derived by the keeper', logs.length, following.length);
      for (const { args, transactionHash } of logs) {
        const by = unpackDecidedBy(args.decidedBy!).map((n) => names.get(n));
        ctx.progress.info(
          `${names.get(args.neuronId!)} voted ${args.yes ? 'yes' : 'no'} (power ${args.power}), decided by ${by.join(' and ')} (tx ${transactionHash.slice(0, 10)}…)`,
        );
      }
      const sender = (await ctx.client.getTransaction({ hash: logs[0]!.transactionHash })).from;
      const keeper = ctx.accounts.cascadeKeeper.address;
      check('sender of the cascade', sender.toLowerCase(), keeper.toLowerCase());
      const p = await ctx.client.readContract({ ...governance(ctx), functionName: 'proposal', args: [id] });
      const decision = await ctx.client.readContract({
        ...governance(ctx),
        functionName: 'decision',
        args: [id],
      });
      check('decision', STATUS[decision], 'adopted');
      ctx.progress.info(`tally: yes ${p.yes}, no ${p.no}, total ${p.totalPower}: adopted (yes > total/2)`);
      return `${logs.length} ballots sent by the keeper (its own account, cascadeKeeper); proposal ${id} adopted`;
    },
  },
  {
    title: 'Settlement and timelock: settled, refused before the 1-hour timelock, executed after it',
    async run(ctx) {
      const id = await proposalId(ctx);
      await send(ctx, 'dave', { ...governance(ctx), functionName: 'settle', args: [id] });
      const early = await refusal(ctx, 'dave', {
        ...governance(ctx),
        functionName: 'execute',
        args: [id, actions(ctx)],
      });
      check('execute before the timelock', early.name, 'GovernanceTimelocked');
      ctx.progress.info(`execute right after settling: ${ctx.nameAll(early.text)}`);
      const { executionDelay } = await ctx.client.readContract({
        ...governance(ctx),
        functionName: 'params',
      });
      const testClient = createTestClient({ chain: ctx.chain, transport: http(ctx.rpcUrl), mode: 'anvil' });
      await testClient.increaseTime({ seconds: executionDelay + 1 });
      await ctx.mine(1);
      await send(ctx, 'dave', { ...governance(ctx), functionName: 'execute', args: [id, actions(ctx)] });
      const p = await ctx.client.readContract({ ...governance(ctx), functionName: 'proposal', args: [id] });
      check('status', STATUS[p.status], 'executed');
      return `anvil clock moved ${executionDelay + 1} s; proposal ${id} executed by the executor`;
    },
  },
  {
    title: 'The rule changed: Carol can now transfer 10 shares to Dave (US)',
    async run(ctx) {
      const us = await ctx.client.readContract({
        ...token(ctx),
        functionName: 'isCountryAllowed',
        args: [COUNTRY.US],
      });
      check('US allowed', us, true);
      const config = await ctx.client.readContract({ ...token(ctx), functionName: 'complianceConfig' });
      check('max holders', config.maxHolders, NEW_MAX_HOLDERS);
      const [allowed] = await canTransferToDave(ctx);
      check('Carol -> Dave dry run', allowed, true);
      await send(ctx, 'carol', {
        ...token(ctx),
        functionName: 'transfer',
        args: [ctx.accounts.dave.address, 10n],
      });
      const dave = await ctx.client.readContract({
        ...token(ctx),
        functionName: 'balanceOf',
        args: [ctx.accounts.dave.address],
      });
      check('Dave balance', dave, 10n);
      return `US allowed and at most ${config.maxHolders} holders by governance; Dave holds 10 shares`;
    },
  },
];
