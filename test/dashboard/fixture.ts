/**
 * A slice of the demonstration for the dashboard's test and benchmark: anvil, Redis, the contracts
 * deployed by the forge script, the token scenario (KYC, issuance, transfers, freezes), governance
 * with following (a cascade keeper agent derives the followers' votes) and an oracle question where
 * the designated reporter lies, two accounts dispute and the question is finalized; then a basket of
 * the share token (priced by that question) issued, redeemed and charged its fee over 150 days. The
 * basket factory comes from the deployment, or is deployed here when the deployment has none; and
 * a secret ballot requested from an MPC committee of three bonded nodes, with two encrypted inputs.
 *
 * The governance agents have their own names (`dashboard-test-cascade-keeper`...), so their config
 * files under `.stoa/agents/` never collide with the stack test's running at the same time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  createTestClient,
  encodeAbiParameters,
  getAddress,
  type Hex,
  hexToBytes,
  http,
  keccak256,
  maxUint256,
  parseEther,
  stringToBytes,
  toHex,
  zeroAddress as ZERO,
} from 'viem';
import {
  basketAbi,
  basketFactoryAbi,
  mpcCommitteeAbi,
  oracleAbi,
  oraclePriceFeedAbi,
  reputationAbi,
  securityTokenAbi,
} from '../../agents/generated/abis.js';
import type { AgentProcess } from '../../agents/stack/agents.js';
import { deploy, repoRoot } from '../../agents/stack/deploy.js';
import { createProgress } from '../../agents/stack/progress.js';
import {
  createScenarioContext,
  devAccount,
  devKey,
  PEOPLE,
  type ScenarioContext,
} from '../../agents/stack/scenario/context.js';
import { governanceSteps, startGovernanceAgents } from '../../agents/stack/scenario/governance.js';
import { oracleSteps } from '../../agents/stack/scenario/oracle.js';
import { privacyDeployEnv } from '../../agents/stack/scenario/privacy.js';
import { tokenSteps } from '../../agents/stack/scenario/token.js';
import { send } from '../../agents/stack/scenario/tx.js';
import { type Service, startAnvil, startRedis } from '../../agents/stack/services.js';

export const CHAIN_ID = 31337;
/** The NAV the reporter lies about, and the true one the disputers stake on (18 decimals, tick 0.01). */
const TRUE_NAV_OUTCOME = 10_235 + 1;

export type DemoStack = {
  rpcUrl: string;
  redisUrl: string;
  deployment: Record<string, `0x${string}`>;
  keeper: AgentProcess;
  ctx: ScenarioContext;
  /** Whether the fixture requested the MPC computation (a committee was there or could be set). */
  mpcComputation: boolean;
  stop: () => Promise<void>;
};

export async function startDemoStack(): Promise<DemoStack> {
  const services: Service[] = [];
  const stop = async () => {
    for (const s of services.reverse()) await s.stop().catch(() => {});
  };
  try {
    const anvil = await startAnvil({ chainId: CHAIN_ID, args: ['--accounts', String(PEOPLE.length)] });
    services.push(anvil);
    const redis = await startRedis();
    services.push(redis);
    const deployment = await deploy({
      rpcUrl: anvil.url,
      chainId: CHAIN_ID,
      privateKey: devKey('deployer'),
      env: { STOA_KYC_PROVIDER: devAccount('kycProvider').address, ...privacyDeployEnv() },
    });
    // The governance agents (cascade keeper, governance keeper, neuron clients) under their own names.
    const governanceAgents = await startGovernanceAgents({
      rpcUrl: anvil.url,
      redisUrl: redis.url,
      chainId: CHAIN_ID,
      deployment,
      processPrefix: 'dashboard-test-',
    });
    services.push(...governanceAgents.services);
    const keeper = governanceAgents.services.find(
      (s): s is AgentProcess => 'name' in s && s.name === 'dashboard-test-cascade-keeper',
    )!;
    const progress = createProgress({ write: () => {}, color: false });
    const ctx = createScenarioContext({
      rpcUrl: anvil.url,
      redisUrl: redis.url,
      chainId: CHAIN_ID,
      deployment: { ...deployment },
      progress,
    });
    // The token story without its monitoring agent's report, governance in full, and the oracle's
    // question and lying report (the disputes below stand in for the watcher agents).
    const steps = [
      ...tokenSteps.filter((s) => !s.title.startsWith('Compliance monitor agent')),
      ...governanceSteps,
      ...oracleSteps.slice(0, 2),
    ];
    for (const step of steps) {
      if (!(await progress.step(step.title, () => step.run(ctx))))
        throw new Error(`scenario step failed: ${step.title}: ${progress.results.at(-1)?.detail}`);
    }
    await disputeAndFinalize(ctx);
    await basketActivity(ctx);
    const mpcComputation = await mpcActivity(ctx);
    return {
      rpcUrl: anvil.url,
      redisUrl: redis.url,
      deployment: ctx.deployment,
      keeper,
      ctx,
      stop,
      mpcComputation,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** watcher1 and watcher2 fill dispute round 1 on the true NAV (25 REP and the rest), then the window passes. */
async function disputeAndFinalize(ctx: ScenarioContext) {
  const oracle = { abi: oracleAbi, address: ctx.deployment.oracle! };
  const rep = { abi: reputationAbi, address: ctx.deployment.reputation! };
  const evidence = keccak256(stringToBytes('STOA NAV 102.35'));
  const size = await ctx.client.readContract({
    ...oracle,
    functionName: 'bondSize',
    args: [1n, TRUE_NAV_OUTCOME],
  });
  const first = 25n * 10n ** 18n;
  for (const [who, amount] of [
    ['watcher1', first],
    ['watcher2', size - first],
  ] as const) {
    await send(ctx, who, { ...rep, functionName: 'approve', args: [oracle.address, maxUint256] });
    await send(ctx, who, {
      ...oracle,
      functionName: 'contribute',
      args: [1n, TRUE_NAV_OUTCOME, amount, evidence],
    });
  }
  const { shortDisputeWindow } = await ctx.client.readContract({ ...oracle, functionName: 'parameters' });
  await travel(ctx, shortDisputeWindow + 1);
  await send(ctx, 'deployer', { ...oracle, functionName: 'finalize', args: [1n] });
}

async function travel(ctx: ScenarioContext, seconds: number) {
  const test = createTestClient({ chain: ctx.chain, transport: http(ctx.rpcUrl), mode: 'anvil' });
  await test.increaseTime({ seconds });
  await test.mine({ blocks: 1 });
}

const DAY = 86_400;

/**
 * The share token's price from question 1; a basket of one share per basket token (10% a year fee
 * to Alice), Carol issues 40 and 20, redeems 30; time passes between, so the fee moves the NAV.
 */
async function basketActivity(ctx: ScenarioContext) {
  const token = { abi: securityTokenAbi, address: ctx.deployment.securityToken! };
  const feed = ctx.deployment.oraclePriceFeed!;
  await send(ctx, 'deployer', {
    abi: oraclePriceFeedAbi,
    address: feed,
    functionName: 'setQuestion',
    args: [token.address, 1n],
  });
  let factory = ctx.deployment.basketFactory;
  if (!factory) {
    const hash = await ctx.wallet('deployer').deployContract({
      abi: basketFactoryAbi,
      bytecode: bytecode('BasketFactory'),
      args: [feed],
    });
    const receipt = await ctx.client.waitForTransactionReceipt({ hash });
    factory = getAddress(receipt.contractAddress!);
    ctx.deployment.basketFactory = factory;
  }
  await send(ctx, 'deployer', {
    abi: basketFactoryAbi,
    address: factory,
    functionName: 'createBasket',
    args: [
      {
        name: 'Stoa Income Basket',
        symbol: 'SIB',
        components: [token.address],
        units: [1n],
        naturalUnit: 10n ** 18n,
        manager: ctx.accounts.basketKeeper.address,
        feeRecipient: ctx.accounts.aliceNewWallet.address,
        feeRate: parseEther('0.1'),
        compliance: ctx.accounts.basketKeeper.address,
      },
    ],
  });
  const baskets = await ctx.client.readContract({
    abi: basketFactoryAbi,
    address: factory,
    functionName: 'baskets',
  });
  const basket = { abi: basketAbi, address: baskets.at(-1)! };
  await send(ctx, 'deployer', { ...token, functionName: 'setSystemHolder', args: [basket.address, true] });
  await send(ctx, 'carol', { ...token, functionName: 'approve', args: [basket.address, 100n] });
  const carol = ctx.accounts.carol.address;
  await send(ctx, 'carol', { ...basket, functionName: 'issue', args: [parseEther('40'), carol] });
  await travel(ctx, 60 * DAY);
  await send(ctx, 'carol', { ...basket, functionName: 'issue', args: [parseEther('20'), carol] });
  await travel(ctx, 60 * DAY);
  await send(ctx, 'carol', { ...basket, functionName: 'redeem', args: [parseEther('30'), carol] });
  await travel(ctx, 30 * DAY);
  await send(ctx, 'carol', { ...basket, functionName: 'accrueFee', args: [] });
}

function bytecode(contract: string): Hex {
  const path = join(repoRoot, 'out', `${contract}.sol`, `${contract}.json`);
  return (JSON.parse(readFileSync(path, 'utf8')) as { bytecode: { object: Hex } }).bytecode.object;
}

const NODES = ['mpcNode1', 'mpcNode2', 'mpcNode3'] as const;

/**
 * The committee from the deployment, or one deployed here (ETH bonds of 1 each, threshold 2);
 * the deployer requests a secret ballot on proposal 1 and Alice and Bob submit (opaque) inputs.
 * Returns false when the deployment's committee has no epoch yet (nothing can be requested).
 */
async function mpcActivity(ctx: ScenarioContext): Promise<boolean> {
  let address = ctx.deployment.mpcCommittee;
  if (!address) {
    const hash = await ctx.wallet('deployer').deployContract({
      abi: mpcCommitteeAbi,
      bytecode: bytecode('MpcCommittee'),
      args: [
        ctx.deployment.accessManager!,
        ZERO,
        parseEther('1'),
        BigInt(DAY),
        ctx.accounts.deployer.address,
        1_000,
      ],
    });
    address = getAddress((await ctx.client.waitForTransactionReceipt({ hash })).contractAddress!);
    ctx.deployment.mpcCommittee = address;
    const committee = { abi: mpcCommitteeAbi, address };
    for (const node of NODES) {
      const hash = await ctx.wallet('deployer').writeContract({
        ...committee,
        functionName: 'depositBond',
        args: [ctx.accounts[node].address, parseEther('1')],
        value: parseEther('1'),
      });
      await ctx.client.waitForTransactionReceipt({ hash });
    }
    const keys = NODES.map((node) => toHex(secp256k1.getPublicKey(hexToBytes(devKey(node)), true)));
    await send(ctx, 'deployer', {
      ...committee,
      functionName: 'setCommittee',
      args: [NODES.map((node) => ctx.accounts[node].address), keys, 2n],
    });
  }
  const committee = { abi: mpcCommitteeAbi, address };
  if ((await ctx.client.readContract({ ...committee, functionName: 'epoch' })) === 0n) return false;
  const now = (await ctx.client.getBlock()).timestamp;
  const params = encodeAbiParameters(
    [{ type: 'address' }, { type: 'uint256' }, { type: 'uint8' }],
    [ctx.deployment.governance!, 1n, 2],
  );
  await send(ctx, 'deployer', {
    ...committee,
    functionName: 'requestComputation',
    args: [0, params, now + BigInt(DAY)],
  });
  const id = await ctx.client.readContract({ ...committee, functionName: 'computationCount' });
  for (const who of ['aliceNewWallet', 'bob'] as const)
    await send(ctx, who, {
      ...committee,
      functionName: 'submitInput',
      args: [
        id,
        keccak256(stringToBytes(`${who} commitment`)),
        NODES.map((n) => toHex(`${who} share for ${n}`)),
      ],
    });
  return true;
}
