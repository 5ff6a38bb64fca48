import { createServer } from 'node:http';
import { type Abi, type Address, getAddress, type Hex, maxUint256, parseEventLogs } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { basketKeeper } from '../../agents/basket/keeper.js';
import { decodeRevert } from '../../agents/cli/errors.js';
import {
  basketAbi,
  basketFactoryAbi,
  identityRegistryAbi,
  securityTokenAbi,
} from '../../agents/generated/abis.js';
import { shortMessage } from '../../agents/runtime/errors.js';
import { type Agent, createAgent, parseConfig, withGasMargin } from '../../agents/runtime/index.js';
import { investorKey, signAttestation } from '../../agents/token/kyc.js';
import { devKeys } from '../oracle/helpers.js';
import { type Clients, deploy, deployerKey } from '../runtime/helpers.js';

export const keeperKey = devKeys[4]!;
export const makerKey = devKeys[5]!;
export const investorKeyHex = devKeys[6]!;
export const keeper = privateKeyToAccount(keeperKey);
export const maker = privateKeyToAccount(makerKey);
export const investor = privateKeyToAccount(investorKeyHex);

/** Per basket token (natural unit 1e18): 10 STOA, 40 SBND, 10 SRLT; fee 2% a year. */
export const UNITS = [10n, 40n, 10n];
export const WHOLE = 10n ** 18n;
/** Fair values per share: STOA 100, SBND 100, SRLT 250 (SBND is the quote of rebalances). */
export const PRICES = ['100', '100', '250'];

/** Deploys the contract named like its file; its address. */
async function deployed(clients: Clients, file: string, args: readonly unknown[]): Promise<Address> {
  return getAddress((await deploy(clients, file, file.replace('.sol', ''), args)).address);
}

/** `who` (a dev key) sends `call` and waits for it. */
export async function sendAs(
  clients: Clients,
  key: Hex,
  call: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] },
) {
  const account = privateKeyToAccount(key);
  // With a margin, as the CLI and the agents send (see withGasMargin).
  // biome-ignore lint/suspicious/noExplicitAny: generic call parameters
  const gas = await clients.public.estimateContractGas({ ...(call as any), account });
  // biome-ignore lint/suspicious/noExplicitAny: generic call parameters
  const hash = await clients.wallet.writeContract({ ...(call as any), account, gas: withGasMargin(gas) });
  const receipt = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status === 'success') return receipt;
  // Say why: the same call replayed on the state it was mined on (anvil mines one per block).
  const why = await clients.public
    // biome-ignore lint/suspicious/noExplicitAny: generic call parameters
    .simulateContract({ ...(call as any), account, blockNumber: receipt.blockNumber - 1n })
    .then(
      () => 'passes when replayed on the previous block',
      (error) => decodeRevert(error)?.text ?? shortMessage(error),
    );
  throw new Error(`${call.functionName} (transaction ${hash}) reverted: ${why}`);
}

export type BasketStack = {
  manager: Address;
  registry: Address;
  tokens: Address[];
  factory: Address;
  basket: Address;
  startBlock: number;
};

/** Deploys the stack, KYCs the investor and the market maker, and issues `supply` basket tokens to the investor. */
export async function deployBasketStack(
  clients: Clients,
  {
    supply,
    makerFunds,
    manager: basketManager = keeper.address,
    feeRate = 2n * 10n ** 16n,
  }: { supply: bigint; makerFunds: bigint[]; manager?: Address; feeRate?: bigint },
): Promise<BasketStack> {
  const deployer = clients.wallet.account.address;
  const startBlock = Number(await clients.public.getBlockNumber());
  const manager = await deployed(clients, 'AccessManager.sol', [deployer]);
  const registry = await deployed(clients, 'IdentityRegistry.sol', [manager]);
  const tokens: Address[] = [];
  for (const [name, symbol] of [
    ['Stoa Share', 'STOA'],
    ['Stoa Bond', 'SBND'],
    ['Stoa Realty', 'SRLT'],
  ])
    tokens.push(await deployed(clients, 'SecurityToken.sol', [name, symbol, 0, registry, manager]));
  const call = (address: Address, abi: Abi, functionName: string, args: readonly unknown[]) =>
    sendAs(clients, deployerKey, { address, abi, functionName, args });
  await call(registry, identityRegistryAbi, 'addProvider', [deployer]);
  for (const token of tokens) await call(registry, identityRegistryAbi, 'bindToken', [token]);
  const now = Number((await clients.public.getBlock()).timestamp);
  for (const [i, wallet] of [investor.address, maker.address].entries()) {
    const attestation = {
      identity: investorKey(`client-${i}`),
      wallet,
      country: 276,
      category: 2,
      amlFlagged: false,
      issuedAt: now - 60,
      expiresAt: now + 10 * 365 * 86_400,
    };
    const signature = await signAttestation({
      provider: privateKeyToAccount(deployerKey),
      registry,
      chainId: 31337,
      attestation,
    });
    await call(registry, identityRegistryAbi, 'attest', [attestation, signature]);
  }

  const factory = await deployed(clients, 'BasketFactory.sol', [
    '0x0000000000000000000000000000000000000001',
  ]);
  const created = await call(factory, basketFactoryAbi, 'createBasket', [
    {
      name: 'Test Basket',
      symbol: 'TBSK',
      components: tokens,
      units: UNITS,
      naturalUnit: WHOLE,
      manager: basketManager,
      feeRecipient: investor.address,
      feeRate,
      compliance: basketManager,
    },
  ]);
  const [event] = parseEventLogs({ abi: basketFactoryAbi, logs: created.logs, eventName: 'BasketCreated' });
  const basket = event!.args.basket;
  for (const [i, token] of tokens.entries()) {
    await call(token, securityTokenAbi, 'setSystemHolder', [basket, true]);
    await call(token, securityTokenAbi, 'mint', [investor.address, (UNITS[i]! * supply) / WHOLE]);
    if (makerFunds[i]! > 0n) await call(token, securityTokenAbi, 'mint', [maker.address, makerFunds[i]!]);
    await sendAs(clients, investorKeyHex, {
      address: token,
      abi: securityTokenAbi,
      functionName: 'approve',
      args: [basket, maxUint256],
    });
  }
  await sendAs(clients, investorKeyHex, {
    address: basket,
    abi: basketAbi,
    functionName: 'issue',
    args: [supply, investor.address],
  });
  return { manager, registry, tokens, factory, basket, startBlock };
}

/** Starts a `basket-keeper` agent with dev key `key` (its own Redis prefix) and `settings`. */
export async function startKeeper(args: {
  key: Hex;
  rpcUrl: string;
  redisUrl: string;
  stack: BasketStack;
  settings: Record<string, unknown>;
  prefix: string;
  /** The deployment's MPC committee (`contracts.mpcCommittee`), for sealed bids. */
  committee?: Address;
}): Promise<Agent> {
  const keyEnv = `STOA_TEST_BASKET_KEY_${args.prefix.toUpperCase().replace(/\W/g, '_')}`;
  process.env[keyEnv] = args.key;
  const config = parseConfig({
    raw: {
      chain: { chain_id: 31337, rpc_url: args.rpcUrl, startup_attempts: 2 },
      redis: { url: args.redisUrl, prefix: args.prefix },
      contracts: {
        basketFactory: { address: args.stack.factory, start_block: args.stack.startBlock },
        ...(args.committee ? { mpcCommittee: { address: args.committee } } : {}),
      },
      ingest: { confirmations: 1, poll_interval_ms: 50 },
      queue: { concurrency: 4, backoff_ms: 200, lock_ms: 5_000 },
      sweep: { enabled: true, cron: '* * * * * *' },
      sender: { key_env: keyEnv, poll_interval_ms: 50, action_lock_ms: 5_000, gas_margin_percent: 50 },
      http: { enabled: false },
      log: { level: process.env.STOA_TEST_LOG ?? 'silent' },
      shutdown_grace_ms: 2_000,
      role: args.settings,
    },
    roleSchema: basketKeeper.config,
  });
  const agent = createAgent({ role: basketKeeper, config });
  await agent.start();
  return agent;
}

/** The keeper's prices setting: each token's fair value. */
export const priceSettings = (stack: BasketStack) =>
  Object.fromEntries(stack.tokens.map((token, i) => [token, PRICES[i]!]));

/**
 * A market maker: a `basket-keeper` with the maker's key that only bids on the stack's basket
 * (Dutch and sealed auctions), 0.5% better than the fair prices, within `budgets` if given.
 */
export function startMarketMaker(args: {
  rpcUrl: string;
  redisUrl: string;
  stack: BasketStack;
  prefix: string;
  budgets?: Record<string, string>;
  committee?: Address;
}): Promise<Agent> {
  return startKeeper({
    ...args,
    key: makerKey,
    settings: {
      baskets: [args.stack.basket],
      prices: priceSettings(args.stack),
      fees: { enabled: false },
      reconcile: { enabled: false },
      rebalance: { enabled: false },
      bid: { enabled: true, margin_bps: 50, budgets: args.budgets ?? {} },
    },
  });
}

/** Reads a view of the basket by name (the tests compare against plain values). */
export function basketRead<T>(
  clients: Clients,
  stack: BasketStack,
  functionName: string,
  args: unknown[] = [],
) {
  const call = { address: stack.basket, abi: basketAbi as Abi, functionName, args };
  return clients.public.readContract(call) as Promise<T>;
}

/**
 * An HTTP JSON-RPC proxy to `target` that answers only on `path` (as providers that put the API
 * key in the URL path do) and fails every request with HTTP 500 while `failing` is set.
 */
export async function startRpcProxy(target: string, path: string) {
  const state = { failing: false };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.url !== path || state.failing) return void res.writeHead(500).end('upstream failure');
      try {
        const upstream = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: Buffer.concat(chunks),
        });
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}${path}`,
    state,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
