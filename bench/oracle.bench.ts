/**
 * `watcher-latency`: from the block that confirms a wrong initial report (the report's block plus
 * the watcher's confirmation depth) to the dispute transaction mined, in ms and blocks, p50/p99 over
 * QUESTIONS scalar questions. Real anvil (automine, so the figure is the agent's own time: new-head
 * wake-up over WebSocket, queue, sources over real HTTP, reads, simulation, sending), real Redis, one
 * dispute watcher. The bench makes each wrong report itself and mines the confirmation blocks.
 */
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { oracleAbi, reputationAbi } from '../agents/generated/abis.js';
import { disputeWatcher } from '../agents/oracle/watcher.js';
import { startAnvil, startRedis } from '../agents/stack/services.js';
import {
  createNavQuestion,
  deployOracle,
  devKeys,
  navOutcome,
  rep,
  startDataServer,
  startOracleAgent,
  travel,
} from '../test/oracle/helpers.js';
import { chainClients } from '../test/runtime/helpers.js';
import { type Benchmark, percentile } from './result.js';

const QUESTIONS = 60;
const CONFIRMATIONS = 2;
/** New heads arrive over WebSocket; the poll is the backstop for a head that arrives mid-step. */
const POLL_MS = 100;

async function watcherLatency() {
  const [anvil, redis, data] = await Promise.all([startAnvil(), startRedis(), startDataServer()]);
  const clients = chainClients(anvil.url);
  const liarAccount = privateKeyToAccount(devKeys[0]!);
  const watcherAccount = privateKeyToAccount(devKeys[1]!);
  const liar = createWalletClient({
    chain: clients.public.chain,
    transport: http(anvil.url),
    account: liarAccount,
  });
  const stack = await deployOracle(clients, {
    actors: [liarAccount.address, watcherAccount.address],
    balance: rep(100_000),
  });
  data.set('/funds/FUNDX/nav', { data: { nav: '102.35' } });
  const approved = await liar.writeContract({
    address: stack.reputation,
    abi: reputationAbi,
    functionName: 'approve',
    args: [stack.oracle, 2n ** 256n - 1n],
  });
  await clients.public.waitForTransactionReceipt({ hash: approved, pollingInterval: 20 });
  const { agent } = await startOracleAgent({
    role: disputeWatcher,
    keyIndex: 1,
    rpcUrl: anvil.url,
    wsUrl: anvil.url.replace('http', 'ws'),
    redisUrl: redis.url,
    stack,
    sweep: false,
    ingest: { confirmations: CONFIRMATIONS, poll_interval_ms: POLL_MS },
    settings: {
      questions: [
        {
          match: { uri: '^stoa://nav/(?<fund>[A-Z]+)/' },
          decimals: 18,
          sources: [{ type: 'http', url: `${data.url}/funds/{fund}/nav`, path: 'data.nav' }],
        },
      ],
      bond_budget: String(40 * QUESTIONS),
    },
  });

  const ms: number[] = [];
  const blocks: number[] = [];
  const truth = navOutcome('102.35');
  try {
    for (let i = 0; i < QUESTIONS; i++) {
      const id = await createNavQuestion(clients, stack, {
        uri: `stoa://nav/FUNDX/${i}`,
        reporter: liarAccount.address,
        tolerance: 2,
        endsIn: 2,
      });
      await travel(clients, 3);
      const hash = await liar.writeContract({
        address: stack.oracle,
        abi: oracleAbi,
        functionName: 'initialReport',
        args: [id, navOutcome('95.10'), `0x${'00'.repeat(32)}`],
      });
      const report = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 5 });
      await clients.test.mine({ blocks: CONFIRMATIONS });
      const confirmed = report.blockNumber + BigInt(CONFIRMATIONS);
      const start = performance.now();
      for (;;) {
        const pooled = await clients.public.readContract({
          address: stack.oracle,
          abi: oracleAbi,
          functionName: 'pooled',
          args: [id, 1n, truth],
        });
        if (pooled > 0n) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      ms.push(performance.now() - start);
      const [dispute] = await clients.public.getContractEvents({
        address: stack.oracle,
        abi: oracleAbi,
        eventName: 'DisputeContributed',
        args: { questionId: id },
        fromBlock: report.blockNumber,
      });
      blocks.push(Number(dispute!.blockNumber - confirmed));
    }
  } finally {
    await agent.stop();
    await Promise.all([anvil.stop(), redis.stop(), data.stop()]);
  }
  // The first dispute also waits for the REP approval; the figures cover all questions.
  return {
    name: 'watcher-latency',
    unit: 'ms',
    value: percentile(ms, 50),
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    blocks_p50: percentile(blocks, 50),
    blocks_p99: percentile(blocks, 99),
    params: {
      questions: QUESTIONS,
      confirmations: CONFIRMATIONS,
      mining: 'anvil automine; the bench mines the confirmation blocks',
      new_heads: 'websocket',
      poll_interval_ms: POLL_MS,
      sources: 1,
    },
  };
}

export default [{ name: 'watcher-latency', run: watcherLatency }] satisfies Benchmark[];
