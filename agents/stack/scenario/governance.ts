/**
 * Shareholder governance on the security token, after the NNS: holders stake shares in neurons and
 * give each neuron a hot key held by their own neuron client agent (one process per owner; its
 * config file says whom the neuron follows and how it votes by topic). Alice proposes a compliance
 * change; Bob's and Carol's votes follow from hers (their neuron clients or the cascade keeper
 * cast them, whichever is first); the governance keeper agent settles the adopted proposal and
 * executes it after its timelock. Then Carol's proposal is rejected through following and its
 * reject fee is kept. Runs after the token scenario (Alice's new wallet, Bob and Carol are
 * verified holders; Dave is in the US, a country the token does not allow yet).
 */
import { encodeFunctionData, type Hex, keccak256, parseEther, toBytes, toHex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { governanceAbi, neuronsAbi, securityTokenAbi } from '../../generated/abis.js';
import { ProposalStatus, unpackDecidedBy } from '../../governance/nns.js';
import { enumLabels } from '../../runtime/enums.js';
import { COUNTRY } from '../../token/kyc.js';
import { operatorConfig, startAgentProcesses } from '../agents.js';
import {
  ANVIL_MNEMONIC,
  devKey,
  type LayerAgents,
  PEOPLE,
  type Person,
  type ScenarioContext,
  type ScenarioStep,
  type StackInfo,
} from './context.js';
import { token } from './token.js';
import { check, refusal, send } from './tx.js';

/** Confirmation depth of the governance agents in the local stack. */

type Owner = 'aliceNewWallet' | 'bob' | 'carol';
/**
 * The owners' neurons (ids in staking order) and their neuron clients' settings: whom each
 * neuron follows (set by the client from its config file) and its direct-vote policy by topic.
 */
const owners: {
  who: Owner;
  name: string;
  neuron: number;
  following: Record<string, number[]>;
  policy: Record<string, 'yes' | 'no'>;
}[] = [
  // Alice votes no on TokenCompliance proposals she did not make (her own carry her yes already).
  { who: 'aliceNewWallet', name: 'alice', neuron: 1, following: {}, policy: { TokenCompliance: 'no' } },
  // Bob follows Alice on TokenCompliance and, through the catch-all, on every topic but Governance.
  { who: 'bob', name: 'bob', neuron: 2, following: { TokenCompliance: [1], CatchAll: [1] }, policy: {} },
  // Carol's TokenCompliance vote depends on Bob's, itself derived from Alice's.
  { who: 'carol', name: 'carol', neuron: 3, following: { TokenCompliance: [1, 2] }, policy: {} },
];

/**
 * The hot key of an owner's neuron client: a key of the anvil mnemonic's second account
 * (`m/44'/60'/1'/0/<person index>`), so it is no person's wallet; the staking step funds it.
 */
const hotAccount = (who: Person) =>
  mnemonicToAccount(ANVIL_MNEMONIC, { accountIndex: 1, addressIndex: PEOPLE.indexOf(who) });
const hotKey = (who: Person): Hex => toHex(hotAccount(who).getHdKey().privateKey!);

/**
 * The governance agents: the cascade keeper (derives followers' votes in batches), the
 * governance keeper (settles and executes proposals) and one neuron client per owner, each with
 * its own Redis prefix (independent operators) and signing with its owner's hot key.
 */
export async function startGovernanceAgents(stack: StackInfo): Promise<LayerAgents> {
  const contracts = { governance: stack.deployment.governance! };
  const services = await startAgentProcesses(stack, [
    {
      name: 'cascade-keeper',
      role: 'cascade-keeper',
      contracts,
      config: { ...operatorConfig(stack.redisUrl, 'stoa'), sweep: { cron: '*/10 * * * * *' } },
      privateKey: devKey('cascadeKeeper'),
    },
    {
      name: 'governance-keeper',
      role: 'governance-keeper',
      contracts,
      config: operatorConfig(stack.redisUrl, 'stoa'),
      privateKey: devKey('governanceKeeper'),
    },
    ...owners.map((o) => ({
      name: `neuron-client-${o.name}`,
      role: 'neuron-client',
      contracts,
      config: operatorConfig(stack.redisUrl, `neuron-client-${o.name}`),
      settings: { neurons: [{ id: o.neuron, following: o.following }], policy: o.policy },
      privateKey: hotKey(o.who),
    })),
  ]);
  return { services, summary: services.map((s) => s.name).join(', ') };
}

/** Who sent a transaction, by the demo's names (`bob's neuron client` for a hot key). */
async function senderOf(ctx: ScenarioContext, hash: Hex): Promise<string> {
  const { from } = await ctx.client.getTransaction({ hash });
  const owner = owners.find((o) => hotAccount(o.who).address.toLowerCase() === from.toLowerCase());
  return owner ? `${owner.name}'s neuron client` : ctx.nameOf(from);
}

const DAY = 24 * 3600;
const YEAR = 365 * DAY;
/** `IGovernance.Topic` and `ProposalStatus`, as the contract numbers them. */
const TOKEN_COMPLIANCE = 1;
const STATUS = enumLabels(ProposalStatus);
const NEW_MAX_HOLDERS = 10;
const MAX_BALANCE = 600n;
const SUMMARY = 'Allow US investors (country 840) and up to 10 holders';
const SUMMARY_URI = 'ipfs://stoa-demo/proposal-1.md';
const REJECTED_SUMMARY = 'Lower the holder limit back to 2';
const REJECTED_URI = 'ipfs://stoa-demo/proposal-2.md';

const stakes: { who: Owner; amount: bigint; delay: number; delayText: string }[] = [
  { who: 'aliceNewWallet', amount: 100n, delay: 8 * YEAR, delayText: '8 years' },
  { who: 'bob', amount: 50n, delay: YEAR, delayText: '1 year' },
  { who: 'carol', amount: 200n, delay: 180 * DAY, delayText: '6 months' },
];

const governance = (ctx: ScenarioContext) => ({ abi: governanceAbi, address: ctx.deployment.governance! });
const neurons = (ctx: ScenarioContext) => ({ abi: neuronsAbi, address: ctx.deployment.neurons! });

const setLimits = (ctx: ScenarioContext, maxHolders: number) => ({
  target: token(ctx).address,
  value: 0n,
  data: encodeFunctionData({
    abi: securityTokenAbi,
    functionName: 'setLimits',
    args: [maxHolders, MAX_BALANCE],
  }),
});

/** The proposal's actions: the executor (COMPLIANCE role) allows the US and raises the holder limit. */
function actions(ctx: ScenarioContext) {
  return [
    {
      target: token(ctx).address,
      value: 0n,
      data: encodeFunctionData({
        abi: securityTokenAbi,
        functionName: 'setCountriesAllowed',
        args: [[COUNTRY.US], true],
      }),
    },
    setLimits(ctx, NEW_MAX_HOLDERS),
  ];
}

/** The neuron `who` staked (from `NeuronStaked`). */
/** The id of `who`'s (first) neuron, from its NeuronStaked event. */
export async function neuronOf(ctx: ScenarioContext, who: Person): Promise<number> {
  const [log] = await ctx.events({
    ...neurons(ctx),
    eventName: 'NeuronStaked',
    args: { owner: ctx.accounts[who].address },
  });
  if (!log?.args.neuronId) throw new Error(`${who} has no neuron`);
  return log.args.neuronId;
}

/** `name#id` of the owners' neurons, e.g. `bob#2`. */
const names = new Map(owners.map((o) => [o.neuron, `${o.name}#${o.neuron}`]));

async function proposalId(ctx: ScenarioContext): Promise<bigint> {
  return ctx.client.readContract({ ...governance(ctx), functionName: 'proposalCount' });
}

const proposalView = (ctx: ScenarioContext, id: bigint) =>
  ctx.client.readContract({ ...governance(ctx), functionName: 'proposal', args: [id] });

async function canTransferToDave(ctx: ScenarioContext): Promise<[boolean, number]> {
  const [allowed, code] = await ctx.client.readContract({
    ...token(ctx),
    functionName: 'canTransfer',
    args: [ctx.accounts.carol.address, ctx.accounts.dave.address, 10n],
  });
  return [allowed, code];
}

/** Who wrote the ballot of `neuron` on `id`: its client (`VoteCast`) or the cascade keeper (`FollowerResolved`). */
async function provenance(ctx: ScenarioContext, id: bigint, neuron: number): Promise<string | false> {
  const filter = { ...governance(ctx), args: { proposalId: id, neuronId: neuron } } as const;
  const [voted] = await ctx.events({ ...filter, eventName: 'VoteCast' });
  if (voted) {
    return `${names.get(neuron)} voted ${voted.args.yes ? 'yes' : 'no'} (power ${voted.args.power}), cast by ${await senderOf(ctx, voted.transactionHash)}`;
  }
  const [resolved] = await ctx.events({ ...filter, eventName: 'FollowerResolved' });
  if (!resolved) return false;
  const by = unpackDecidedBy(resolved.args.decidedBy!).map((n) => names.get(n));
  return `${names.get(neuron)} voted ${resolved.args.yes ? 'yes' : 'no'} (power ${resolved.args.power}), decided by ${by.join(' and ')}, resolved by ${await senderOf(ctx, resolved.transactionHash)}`;
}

/** The sender of the proposal's `eventName` log (`ProposalSettled`, `ProposalExecuted`). */
async function sentBy(ctx: ScenarioContext, id: bigint, eventName: 'ProposalSettled' | 'ProposalExecuted') {
  const [log] = await ctx.events({
    ...governance(ctx),
    eventName,
    args: { proposalId: id },
  });
  if (!log) throw new Error(`no ${eventName} for proposal ${id}`);
  return senderOf(ctx, log.transactionHash);
}

const tokenBalance = (ctx: ScenarioContext, address: `0x${string}`) =>
  ctx.client.readContract({ ...token(ctx), functionName: 'balanceOf', args: [address] });

export const governanceSteps: ScenarioStep[] = [
  {
    title:
      'Staking: Alice, Bob and Carol lock shares in neurons and hand each a hot key held by their neuron client',
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
        const owner = owners.find((o) => o.who === who)!;
        const id = await neuronOf(ctx, who);
        check(`${who}'s neuron id (configured in the neuron client)`, id, owner.neuron);
        const hot = hotAccount(who).address;
        await send(ctx, who, { ...neurons(ctx), functionName: 'setHotKey', args: [id, hot] });
        const hash = await ctx.wallet('deployer').sendTransaction({ to: hot, value: parseEther('1') });
        await ctx.client.waitForTransactionReceipt({ hash });
        const power = await ctx.client.readContract({
          ...governance(ctx),
          functionName: 'votingPower',
          args: [id],
        });
        check(`${who}'s voting power`, power > 0n, true);
        ctx.progress.info(
          `${names.get(id)}: ${amount} shares, dissolve delay ${delayText}, voting power ${power}; hot key ${hot.slice(0, 10)}… (neuron-client-${owner.name}, 1 ETH for gas)`,
        );
      }
      const locked = await tokenBalance(ctx, neurons(ctx).address);
      check('shares held by Neurons', locked, 350n);
      return `${stakes.length} neurons, ${locked} shares locked; Mallory: ${notVerified.text}`;
    },
  },
  {
    title:
      'Following by the neuron clients (config files): Bob follows Alice (TokenCompliance, catch-all); Carol follows Alice and Bob',
    async run(ctx) {
      let set = 0;
      for (const owner of owners) {
        for (const [topicName, ids] of Object.entries(owner.following)) {
          const topic =
            topicName === 'CatchAll' ? 6 : topicName === 'TokenCompliance' ? TOKEN_COMPLIANCE : -1;
          if (topic < 0) throw new Error(`scenario: topic ${topicName} not shown`);
          await ctx.waitFor(`${owner.name}'s following (${topicName})`, async () => {
            const stored = await ctx.client.readContract({
              ...governance(ctx),
              functionName: 'followees',
              args: [owner.neuron, topic],
            });
            return stored.join(',') === ids.join(',');
          });
          const [log] = await ctx.events({
            ...governance(ctx),
            eventName: 'FollowingSet',
            args: { neuronId: owner.neuron, topic },
          });
          const by = await senderOf(ctx, log!.transactionHash);
          check(`sender of ${owner.name}'s setFollowing`, by, `${owner.name}'s neuron client`);
          ctx.progress.info(
            `${names.get(owner.neuron)} follows ${ids.map((f) => names.get(f)).join(' and ')} on ${topicName} (set by ${by})`,
          );
          set++;
        }
      }
      return `${set} followee lists set by the clients with their hot keys`;
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
        ...governance(ctx),
        functionName: 'propose',
        args: [await neuronOf(ctx, 'aliceNewWallet'), actions(ctx), SUMMARY_URI, keccak256(toBytes(SUMMARY))],
      });
      const id = await proposalId(ctx);
      const p = await proposalView(ctx, id);
      check('status after proposing', STATUS[p.status], 'open');
      check('topic (from the actions)', p.topic, TOKEN_COMPLIANCE);
      check("Alice's yes alone a majority", p.yes * 2n > p.totalPower, false);
      ctx.progress.info(
        `proposal ${id}: "${SUMMARY}" (${SUMMARY_URI}), reject fee ${rejectFee} charged against her neuron; Alice's yes ${p.yes} of total ${p.totalPower}, not a majority`,
      );
      return `proposal ${id} open until ${new Date(Number(p.deadline) * 1000).toISOString()}`;
    },
  },
  {
    title:
      'Following votes: Bob’s vote follows Alice’s, Carol’s follows both (neuron clients or cascade keeper)',
    async run(ctx) {
      const id = await proposalId(ctx);
      for (const neuron of [2, 3]) {
        const line = await ctx.waitFor(`${names.get(neuron)}'s following vote`, () =>
          provenance(ctx, id, neuron),
        );
        const ballot = await ctx.client.readContract({
          ...governance(ctx),
          functionName: 'ballot',
          args: [id, neuron],
        });
        check(`${names.get(neuron)}'s ballot`, ballot, 1);
        const agent = line.slice(line.lastIndexOf(' by ') + 4);
        const expected = [`${owners[neuron - 1]!.name}'s neuron client`, 'cascadeKeeper'];
        check(`${names.get(neuron)}'s ballot written by an agent`, expected.includes(agent), true);
        ctx.progress.info(line);
      }
      const p = await proposalView(ctx, id);
      const decision = await ctx.client.readContract({
        ...governance(ctx),
        functionName: 'decision',
        args: [id],
      });
      check('decision', STATUS[decision], 'adopted');
      ctx.progress.info(`tally: yes ${p.yes}, no ${p.no}, total ${p.totalPower}: adopted (yes > total/2)`);
      return `proposal ${id} adopted through following`;
    },
  },
  {
    title:
      'Governance keeper agent: settles the adopted proposal, executes it after the 1-hour timelock (refused before)',
    async run(ctx) {
      const id = await proposalId(ctx);
      await ctx.waitFor(
        'settlement by the governance keeper',
        async () => (await proposalView(ctx, id)).status !== 0,
      );
      check('status', STATUS[(await proposalView(ctx, id)).status], 'adopted');
      check('settled by', await sentBy(ctx, id, 'ProposalSettled'), 'governanceKeeper');
      const early = await refusal(ctx, 'dave', {
        ...governance(ctx),
        functionName: 'execute',
        args: [id, actions(ctx)],
      });
      check('execute before the timelock', early.name, 'GovernanceTimelocked');
      ctx.progress.info(`settled by governanceKeeper; Dave executing right away: ${ctx.nameAll(early.text)}`);
      const { executionDelay } = await ctx.client.readContract({
        ...governance(ctx),
        functionName: 'params',
      });
      await ctx.travel(executionDelay + 1);
      await ctx.waitFor(
        'execution by the governance keeper',
        async () => (await proposalView(ctx, id)).status === 3,
      );
      check('executed by', await sentBy(ctx, id, 'ProposalExecuted'), 'governanceKeeper');
      return `anvil clock moved ${executionDelay + 1} s; proposal ${id} executed by governanceKeeper through the executor`;
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
      check('Dave balance', await tokenBalance(ctx, ctx.accounts.dave.address), 10n);
      return `US allowed and at most ${config.maxHolders} holders by governance; Dave holds 10 shares`;
    },
  },
  {
    title: `Rejected: Carol proposes "${REJECTED_SUMMARY}" (TokenCompliance, from the action); Alice’s policy says no, Bob follows her; the fee is kept`,
    async run(ctx) {
      const { rejectFee } = await ctx.client.readContract({ ...governance(ctx), functionName: 'params' });
      const stakeOf = async () =>
        (await ctx.client.readContract({ ...neurons(ctx), functionName: 'neuron', args: [3] }))[2].stake;
      const keptFees = () => ctx.client.readContract({ ...neurons(ctx), functionName: 'keptFees' });
      const [carolBefore, stakeBefore, keptBefore] = await Promise.all([
        tokenBalance(ctx, ctx.accounts.carol.address),
        stakeOf(),
        keptFees(),
      ]);
      await send(ctx, 'carol', {
        ...governance(ctx),
        functionName: 'propose',
        args: [3, [setLimits(ctx, 2)], REJECTED_URI, keccak256(toBytes(REJECTED_SUMMARY))],
      });
      const id = await proposalId(ctx);
      for (const neuron of [1, 2]) {
        ctx.progress.info(
          await ctx.waitFor(`${names.get(neuron)}'s vote`, () => provenance(ctx, id, neuron)),
        );
      }
      await ctx.waitFor(
        'settlement by the governance keeper',
        async () => (await proposalView(ctx, id)).status !== 0,
      );
      const p = await proposalView(ctx, id);
      check('status', STATUS[p.status], 'rejected');
      check('settled by', await sentBy(ctx, id, 'ProposalSettled'), 'governanceKeeper');
      ctx.progress.info(`tally: yes ${p.yes}, no ${p.no}, total ${p.totalPower}: rejected (no >= total/2)`);
      const [carolAfter, stakeAfter, keptAfter] = await Promise.all([
        tokenBalance(ctx, ctx.accounts.carol.address),
        stakeOf(),
        keptFees(),
      ]);
      check("Carol's balance (no token moved)", carolAfter, carolBefore);
      check("Carol's neuron stake (fee kept)", stakeAfter, stakeBefore - rejectFee);
      check('fees kept for the executor', keptAfter, keptBefore + rejectFee);
      const limits = await ctx.client.readContract({ ...token(ctx), functionName: 'complianceConfig' });
      check('max holders unchanged', limits.maxHolders, NEW_MAX_HOLDERS);
      return `proposal ${id} rejected and settled by governanceKeeper; Carol's fee of ${rejectFee} shares kept from her neuron for the executor (Neurons.collectFees)`;
    },
  },
];
