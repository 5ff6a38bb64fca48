/**
 * Fixtures of the oracle agent tests and benchmark: the oracle stack (AccessManager, Reputation,
 * Oracle) deployed with viem from forge's artifacts on a real anvil, REP handed to the actors, a
 * NAV question, agents of the oracle roles with their own keys, a real HTTP data source and anvil
 * time travel.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { type Abi, type Address, type Hex, keccak256, parseUnits, stringToBytes, zeroAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { accessManagerAbi, oracleAbi, reputationAbi } from '../../agents/generated/abis.js';
import { type Agent, createAgent, parseConfig, type Role } from '../../agents/runtime/index.js';
import { type Clients, root } from '../runtime/helpers.js';

/** anvil's dev keys #1 .. #9 (#0 deploys and creates questions). */
export const devKeys: Hex[] = [
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
  '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97',
  '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6',
];
export const rep = (whole: number | string) => parseUnits(String(whole), 18);

/** Test parameters: the Augur bonds scaled down, 5-minute windows. */
export const parameters = {
  validityBond: rep(10),
  noShowBond: rep(5),
  reportingWindow: 300,
  rewardBps: 4_000,
  pacingRounds: 3,
  maxRounds: 10,
  reportBond: rep(20),
  escalationStake: rep(5_000_000),
  shortDisputeWindow: 300,
  longDisputeWindow: 3_600,
};

function artifact(file: string, name: string): Hex {
  const json = JSON.parse(readFileSync(join(root, 'out', file, `${name}.json`), 'utf8')) as {
    bytecode: { object: Hex };
  };
  return json.bytecode.object;
}

async function deployed(clients: Clients, hash: Hex): Promise<Address> {
  const receipt = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  return receipt.contractAddress!;
}

export type OracleStack = { manager: Address; reputation: Address; oracle: Address; startBlock: number };

/** Deploys the oracle and gives each of `actors` `balance` REP (the deployer, who creates the questions, approves the oracle; the agents approve for themselves). */
export async function deployOracle(
  clients: Clients,
  {
    actors,
    balance,
    overrides = {},
  }: { actors: Address[]; balance: bigint; overrides?: Partial<typeof parameters> },
): Promise<OracleStack> {
  const deployer = clients.wallet.account.address;
  const startBlock = Number(await clients.public.getBlockNumber());
  const deploy = async (abi: Abi, file: string, args: readonly unknown[]) =>
    deployed(
      clients,
      await clients.wallet.deployContract({ abi, bytecode: artifact(file, file.replace('.sol', '')), args }),
    );
  const manager = await deploy(accessManagerAbi, 'AccessManager.sol', [deployer]);
  const reputation = await deploy(reputationAbi, 'Reputation.sol', [deployer, rep(10_000_000)]);
  const oracle = await deploy(oracleAbi, 'Oracle.sol', [
    manager,
    reputation,
    { ...parameters, ...overrides },
  ]);
  let last: Hex | undefined;
  for (const actor of actors) {
    last = await clients.wallet.writeContract({
      address: reputation,
      abi: reputationAbi,
      functionName: 'transfer',
      args: [actor, balance],
    });
  }
  last = await clients.wallet.writeContract({
    address: reputation,
    abi: reputationAbi,
    functionName: 'approve',
    args: [oracle, 2n ** 256n - 1n],
  });
  await clients.public.waitForTransactionReceipt({ hash: last, pollingInterval: 50 });
  return { manager, reputation, oracle, startBlock };
}

/** NAV per share from 0 to 1,000 in steps of 0.01 (18 decimals), tolerance in ticks. */
export const navRange = { min: 0n, max: rep(1_000), tick: rep('0.01') };
export const navOutcome = (nav: string) => Number(parseUnits(nav, 18) / navRange.tick) + 1;

/** Creates a scalar NAV question ending `endsIn` seconds from the chain's now; returns its id. */
export async function createNavQuestion(
  clients: Clients,
  stack: OracleStack,
  {
    uri,
    reporter,
    tolerance,
    endsIn = 5,
  }: { uri: string; reporter: Address; tolerance: number; endsIn?: number },
): Promise<bigint> {
  const now = (await clients.public.getBlock()).timestamp;
  const reference = (text: string) => ({ uri: text, hash: keccak256(stringToBytes(text)) });
  const { request, result } = await clients.public.simulateContract({
    account: clients.wallet.account,
    address: stack.oracle,
    abi: oracleAbi,
    functionName: 'createQuestion',
    args: [
      {
        kind: 2,
        outcomeCount: 0,
        ...navRange,
        tolerance,
        endTime: Number(now) + endsIn,
        designatedReporter: reporter,
        subject: zeroAddress,
        text: reference(uri),
        source: reference('https://example.test/nav'),
        evidenceRules: reference('ipfs://rules'),
      },
    ],
  });
  const hash = await clients.wallet.writeContract(request);
  await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  return result;
}

/** Moves the chain's clock forward and mines a block at the new time. */
export async function travel(clients: Clients, seconds: number) {
  await clients.test.increaseTime({ seconds });
  await clients.test.mine({ blocks: 1 });
}

export const repBalance = (clients: Clients, stack: OracleStack, account: Address) =>
  clients.public.readContract({
    address: stack.reputation,
    abi: reputationAbi,
    functionName: 'balanceOf',
    args: [account],
  });

export const questionState = (clients: Clients, stack: OracleStack, id: bigint) =>
  clients.public.readContract({ address: stack.oracle, abi: oracleAbi, functionName: 'state', args: [id] });

/** A JSON data source over real HTTP: `set(path, body)` changes what it serves. */
export async function startDataServer() {
  const documents = new Map<string, unknown>();
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const body = documents.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    set: (path: string, body: unknown) => void documents.set(path, body),
    requests: () => requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Starts `role` as the dev key `keyIndex`; the key reaches the agent through its own environment
 * variable (the oracle roles derive their address from the configured key).
 */
export async function startOracleAgent(args: {
  role: Role;
  keyIndex: number;
  rpcUrl: string;
  redisUrl: string;
  stack: OracleStack;
  settings: Record<string, unknown>;
  ingest?: Record<string, unknown>;
  sweep?: boolean;
  wsUrl?: string;
}): Promise<{ agent: Agent; address: Address }> {
  const keyEnv = `STOA_TEST_KEY_${args.keyIndex}`;
  process.env[keyEnv] = devKeys[args.keyIndex]!;
  const config = parseConfig({
    raw: {
      chain: { chain_id: 31337, rpc_url: args.rpcUrl, ws_url: args.wsUrl, startup_attempts: 2 },
      // Each operator has its own queues and cursor; processes of one operator would share them.
      redis: { url: args.redisUrl, prefix: `operator-${args.keyIndex}` },
      contracts: { oracle: { address: args.stack.oracle, start_block: args.stack.startBlock } },
      ingest: { confirmations: 1, poll_interval_ms: 50, ...args.ingest },
      queue: { concurrency: 8, backoff_ms: 200, lock_ms: 5_000 },
      sweep: { enabled: args.sweep ?? true, cron: '* * * * * *' },
      // A contribution simulated before another one lands may fill the round, which costs ~40% more gas.
      sender: {
        key_env: keyEnv,
        poll_interval_ms: 50,
        action_lock_ms: 5_000,
        confirmations: 1,
        gas_margin_percent: 50,
      },
      http: { enabled: false },
      log: { level: process.env.STOA_TEST_LOG ?? 'silent' },
      shutdown_grace_ms: 2_000,
      role: args.settings,
    },
    roleSchema: args.role.config,
  });
  const agent = createAgent({ role: args.role, config });
  await agent.start();
  started.push(agent);
  return { agent, address: privateKeyToAccount(devKeys[args.keyIndex]!).address };
}

/** Agents started by `startOracleAgent` in this test file (their registries hold the oracle metrics). */
const started: Agent[] = [];

/** Value of an oracle counter for the given labels over every started agent (0 when never counted). */
export async function counter(name: string, labels: Record<string, string>): Promise<number> {
  let sum = 0;
  for (const agent of started) {
    const metric = agent.metrics.registry.getSingleMetric(name);
    if (!metric) continue;
    const { values } = await metric.get();
    sum += values
      .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
      .reduce((total, v) => total + v.value, 0);
  }
  return sum;
}
