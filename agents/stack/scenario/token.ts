/**
 * The compliant security token, step by step: KYC onboarding, rules, issuance, allowed and refused
 * transfers, freezes, a forced transfer, recovery of a lost wallet and a document update. Every
 * step checks the chain afterwards and throws when the platform did not do what it should.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { formatUnits, keccak256, stringToHex, toBytes } from 'viem';
import { identityRegistryAbi, securityTokenAbi } from '../../generated/abis.js';
import { MONITORED_EVENTS, readComplianceReport } from '../../token/compliance-monitor.js';
import { CATEGORY, COUNTRY, investorKey, signAttestation } from '../../token/kyc.js';
import { startAgentProcess } from '../agents.js';
import type { LayerAgents, Person, ScenarioContext, ScenarioStep, StackInfo } from './context.js';
import { check, refusal, send } from './tx.js';

/** Built-in rule bits of the token (`Restrictions.RULE_*`): country, category, max holders, max balance, lockup. */
const ALL_RULES = 0b11111;
const MAX_HOLDERS = 3;
const MAX_BALANCE = 600n;
const YEAR = 365 * 24 * 3600;
/** Confirmation depth of the compliance monitor in the local stack. */
const MONITOR_CONFIRMATIONS = 1;

const investors: { who: Person; country: number; category: number; reference: string }[] = [
  { who: 'alice', country: COUNTRY.DE, category: CATEGORY.accredited, reference: 'client-0001' },
  { who: 'bob', country: COUNTRY.FR, category: CATEGORY.retail, reference: 'client-0002' },
  { who: 'carol', country: COUNTRY.CH, category: CATEGORY.institutional, reference: 'client-0003' },
  { who: 'dave', country: COUNTRY.US, category: CATEGORY.accredited, reference: 'client-0004' },
];

/** The compliance monitor, following the security token's events. */
export async function startTokenAgents(stack: StackInfo): Promise<LayerAgents> {
  const monitor = await startAgentProcess({
    ...stack,
    name: 'compliance-monitor',
    role: 'compliance-monitor',
    contracts: { securityToken: stack.deployment.securityToken! },
    config: { ingest: { confirmations: MONITOR_CONFIRMATIONS, poll_interval_ms: 200 } },
  });
  return { services: [monitor], summary: `compliance-monitor (health ${monitor.httpUrl}/healthz)` };
}

/** The security token's ABI and address, to spread into a contract call. */
export const token = (ctx: ScenarioContext) => ({
  abi: securityTokenAbi,
  address: ctx.deployment.securityToken!,
});
const registry = (ctx: ScenarioContext) => ({
  abi: identityRegistryAbi,
  address: ctx.deployment.identityRegistry!,
});

async function balance(ctx: ScenarioContext, who: Person): Promise<bigint> {
  return ctx.client.readContract({
    ...token(ctx),
    functionName: 'balanceOf',
    args: [ctx.accounts[who].address],
  });
}

/** The provider signs an attestation of `reference`'s `who` wallet; `who` submits it. */
async function onboard(
  ctx: ScenarioContext,
  who: Person,
  investor: (typeof investors)[number],
  issuedAt: number,
) {
  const attestation = {
    identity: investorKey(investor.reference),
    wallet: ctx.accounts[who].address,
    country: investor.country,
    category: investor.category,
    amlFlagged: false,
    issuedAt,
    expiresAt: issuedAt + YEAR,
  };
  const signature = await signAttestation({
    provider: ctx.accounts.kycProvider,
    registry: registry(ctx).address,
    chainId: ctx.chain.id,
    attestation,
  });
  await send(ctx, who, { ...registry(ctx), functionName: 'attest', args: [attestation, signature] });
}

async function chainTime(ctx: ScenarioContext): Promise<number> {
  return Number((await ctx.client.getBlock()).timestamp);
}

/** Explains a refusal the way a wallet would: the dry run's code and message, then the revert. */
async function explainRefusal(
  ctx: ScenarioContext,
  from: Person,
  to: Person,
  amount: bigint,
  expected: string,
) {
  const [allowed, code] = await ctx.client.readContract({
    ...token(ctx),
    functionName: 'canTransfer',
    args: [ctx.accounts[from].address, ctx.accounts[to].address, amount],
  });
  check(`canTransfer(${from} -> ${to})`, allowed, false);
  const message = await ctx.client.readContract({
    ...token(ctx),
    functionName: 'messageForTransferRestriction',
    args: [code],
  });
  const reverted = await refusal(ctx, from, {
    ...token(ctx),
    functionName: 'transfer',
    args: [ctx.accounts[to].address, amount],
  });
  check(`${from} -> ${to} refusal`, reverted.name, expected);
  ctx.progress.info(`${from} -> ${to} ${amount}: refused, code ${code} "${message}", ${reverted.text}`);
}

export const tokenSteps: ScenarioStep[] = [
  {
    title: 'KYC: a registered provider attests Alice (DE), Bob (FR), Carol (CH) and Dave (US)',
    async run(ctx) {
      const issuedAt = (await chainTime(ctx)) - 60;
      for (const investor of investors) await onboard(ctx, investor.who, investor, issuedAt);
      for (const { who } of investors) {
        const verified = await ctx.client.readContract({
          ...registry(ctx),
          functionName: 'isVerified',
          args: [ctx.accounts[who].address],
        });
        check(`${who} verified`, verified, true);
      }
      return `${investors.length} identities verified; Mallory has none`;
    },
  },
  {
    title: `Compliance rules: DE, FR, CH allowed (not US), at most ${MAX_HOLDERS} holders, ${MAX_BALANCE} shares per identity`,
    async run(ctx) {
      await send(ctx, 'deployer', {
        ...token(ctx),
        functionName: 'setCountriesAllowed',
        args: [[COUNTRY.DE, COUNTRY.FR, COUNTRY.CH], true],
      });
      await send(ctx, 'deployer', { ...token(ctx), functionName: 'setAllowedCategories', args: [0b111] });
      await send(ctx, 'deployer', {
        ...token(ctx),
        functionName: 'setLimits',
        args: [MAX_HOLDERS, MAX_BALANCE],
      });
      await send(ctx, 'deployer', { ...token(ctx), functionName: 'setRules', args: [ALL_RULES] });
      const config = await ctx.client.readContract({ ...token(ctx), functionName: 'complianceConfig' });
      check('rules enabled', config.rules, ALL_RULES);
      return 'country, category, max holders, max balance and lockup rules on';
    },
  },
  {
    title: 'Issuance: the issuer mints 500 shares to Alice and 300 to Bob',
    async run(ctx) {
      const to = [ctx.accounts.alice.address, ctx.accounts.bob.address];
      await send(ctx, 'deployer', { ...token(ctx), functionName: 'batchMint', args: [to, [500n, 300n]] });
      check('Alice balance', await balance(ctx, 'alice'), 500n);
      check('Bob balance', await balance(ctx, 'bob'), 300n);
      const holders = await ctx.client.readContract({ ...token(ctx), functionName: 'holderCount' });
      check('holder count', holders, 2);
      return `supply ${formatUnits(await ctx.client.readContract({ ...token(ctx), functionName: 'totalSupply' }), 0)}, 2 holders`;
    },
  },
  {
    title: 'Allowed transfer: Alice sends 100 shares to Carol, a new holder',
    async run(ctx) {
      const [allowed] = await ctx.client.readContract({
        ...token(ctx),
        functionName: 'canTransfer',
        args: [ctx.accounts.alice.address, ctx.accounts.carol.address, 100n],
      });
      check('dry run', allowed, true);
      await send(ctx, 'alice', {
        ...token(ctx),
        functionName: 'transfer',
        args: [ctx.accounts.carol.address, 100n],
      });
      check('Carol balance', await balance(ctx, 'carol'), 100n);
      return 'dry run allowed it; Carol holds 100; 3 holders';
    },
  },
  {
    title: 'Refused transfers: no KYC, a denied country, over the per-identity maximum',
    async run(ctx) {
      await explainRefusal(ctx, 'alice', 'mallory', 10n, 'ReceiverNotRegistered');
      await explainRefusal(ctx, 'alice', 'dave', 10n, 'CountryNotAllowed');
      await explainRefusal(ctx, 'bob', 'alice', 300n, 'MaxBalanceExceeded');
      check('Alice balance unchanged', await balance(ctx, 'alice'), 400n);
      return '3 transfers refused, each naming its rule; nothing moved';
    },
  },
  {
    title: "Freeze: the agent freezes 200 of Bob's 300 shares and Carol's wallet",
    async run(ctx) {
      await send(ctx, 'deployer', {
        ...token(ctx),
        functionName: 'freezePartialTokens',
        args: [ctx.accounts.bob.address, 200n],
      });
      await explainRefusal(ctx, 'bob', 'carol', 150n, 'InsufficientUnfrozenBalance');
      await send(ctx, 'deployer', {
        ...token(ctx),
        functionName: 'setAddressFrozen',
        args: [ctx.accounts.carol.address, true],
      });
      await explainRefusal(ctx, 'carol', 'alice', 10n, 'SenderFrozen');
      await send(ctx, 'deployer', {
        ...token(ctx),
        functionName: 'setAddressFrozen',
        args: [ctx.accounts.carol.address, false],
      });
      return 'Bob cannot send past his unfrozen 100; Carol cannot send while frozen, then unfrozen';
    },
  },
  {
    title: 'Forced transfer: the agent moves 250 shares from Bob to Carol (frozen shares released first)',
    async run(ctx) {
      await send(ctx, 'deployer', {
        ...token(ctx),
        functionName: 'forcedTransfer',
        args: [ctx.accounts.bob.address, ctx.accounts.carol.address, 250n],
      });
      check('Bob balance', await balance(ctx, 'bob'), 50n);
      check('Carol balance', await balance(ctx, 'carol'), 350n);
      const frozen = await ctx.client.readContract({
        ...token(ctx),
        functionName: 'getFrozenTokens',
        args: [ctx.accounts.bob.address],
      });
      check("Bob's frozen shares", frozen, 50n);
      return 'Bob 50 (all frozen), Carol 350';
    },
  },
  {
    title:
      'Recovery: Alice lost her key; the provider attests her new wallet and the agent recovers her shares',
    async run(ctx) {
      const alice = investors[0]!;
      await onboard(ctx, 'aliceNewWallet', alice, (await chainTime(ctx)) - 30);
      await send(ctx, 'deployer', {
        ...token(ctx),
        functionName: 'recoveryAddress',
        args: [ctx.accounts.alice.address, ctx.accounts.aliceNewWallet.address],
      });
      check('old wallet', await balance(ctx, 'alice'), 0n);
      check('new wallet', await balance(ctx, 'aliceNewWallet'), 400n);
      return '400 shares moved to the new wallet of the same identity';
    },
  },
  {
    title: 'Documents: the issuer publishes the prospectus, then an amended version (history kept)',
    async run(ctx) {
      const name = stringToHex('prospectus', { size: 32 });
      for (const [uri, text] of [
        ['ipfs://stoa-demo/prospectus-v1.pdf', 'prospectus v1'],
        ['ipfs://stoa-demo/prospectus-v2.pdf', 'prospectus v2 (amended)'],
      ] as const) {
        await send(ctx, 'deployer', {
          ...token(ctx),
          functionName: 'setDocument',
          args: [name, uri, keccak256(toBytes(text))],
        });
      }
      const [uri] = await ctx.client.readContract({
        ...token(ctx),
        functionName: 'getDocument',
        args: [name],
      });
      check('current prospectus', uri, 'ipfs://stoa-demo/prospectus-v2.pdf');
      const history = await ctx.client.readContract({
        ...token(ctx),
        functionName: 'getDocumentHistory',
        args: [name],
      });
      check('history length', history.length, 2);
      return `current ${uri}; ${history.length} versions on record`;
    },
  },
  {
    title: 'Compliance monitor agent: the events that flowed through its queue and what it did',
    async run(ctx) {
      // The chain moves on so that the last events reach the agent's confirmation depth.
      await ctx.mine(MONITOR_CONFIRMATIONS + 1);
      // cacheTime 0: viem caches the block number for a polling interval, and blocks were just mined.
      const head = await ctx.client.getBlockNumber({ cacheTime: 0 });
      const logs = await ctx.events({
        ...token(ctx),
        toBlock: head - BigInt(MONITOR_CONFIRMATIONS),
      });
      const expected = logs.filter((l) =>
        (MONITORED_EVENTS as readonly string[]).includes(l.eventName),
      ).length;
      const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
      const queue = new Queue('compliance-monitor', { connection: redis, prefix: 'stoa' });
      try {
        const prefix = `stoa:${ctx.chain.id}`;
        let report = await readComplianceReport(redis, prefix, token(ctx).address);
        const deadline = Date.now() + 60_000;
        const seen = () => Object.values(report.events).reduce((a, b) => a + b, 0);
        while (seen() < expected && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
          report = await readComplianceReport(redis, prefix, token(ctx).address);
        }
        check('events handled by the monitor', seen(), expected);
        const counts = await queue.getJobCounts('completed', 'failed');
        check('failed jobs', counts.failed, 0);
        ctx.progress.info(
          `queue compliance-monitor: ${counts.completed} jobs completed, 0 failed; events: ${Object.entries(
            report.events,
          )
            .map(([name, n]) => `${name} ${n}`)
            .join(', ')}`,
        );
        for (const a of report.alerts)
          ctx.progress.info(`alert @${a.block}: ${a.kind} ${ctx.nameAll(a.detail)}`);
        for (const [wallet, { balance }] of Object.entries(report.balances)) {
          const onChain = await ctx.client.readContract({
            ...token(ctx),
            functionName: 'balanceOf',
            args: [wallet as `0x${string}`],
          });
          check(`cap table entry of ${ctx.nameOf(wallet)}`, balance, onChain);
        }
        return `${expected} events, ${report.alerts.length} alerts; off-chain cap table of ${Object.keys(report.balances).length} wallets matches the chain`;
      } finally {
        await queue.close();
        redis.disconnect();
      }
    },
  },
];
