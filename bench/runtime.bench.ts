/**
 * Agent runtime benchmarks (BENCHMARKS.md): `runtime-throughput` (chain log -> job -> handler
 * done, with raw BullMQ add+process as the reference), `runtime-latency` (confirming block to
 * handler start over WebSocket) and `tx-sender` (sustained sends from one key, with a plain
 * local-nonce viem send loop as the reference). Real anvil, real redis-server.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { encodeFunctionData, type Hex, keccak256 } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { z } from 'zod';
import { emitterAbi } from '../agents/generated/abis.js';
import {
  type Action,
  createAgent,
  createChain,
  createLogger,
  createMetrics,
  createTxSender,
  defineRole,
} from '../agents/runtime/index.js';
import { startAnvil, startRedis } from '../agents/stack/services.js';
import { agentConfig, agentKey, chainClients, deployEmitter, ping } from '../test/runtime/helpers.js';
import { startHostileRpc, worst } from '../test/support/hostile-rpc.js';
import { type Benchmark, type BenchResult, percentile } from './result.js';

const minSeconds = 5;
const silent = createLogger({ level: 'silent' });

/** `STOA_BENCH_HOSTILE=1`: the agents of runtime-throughput and runtime-latency go through the hostile proxy. */
const hostile = Boolean(process.env.STOA_BENCH_HOSTILE);

async function stack() {
  const [anvil, redis] = await Promise.all([startAnvil({ gasLimit: 300_000_000n }), startRedis()]);
  const clients = chainClients(anvil.url);
  const emitter = await deployEmitter(clients);
  const proxy = hostile ? await startHostileRpc({ target: anvil.url, ...worst }) : undefined;
  return {
    anvil,
    redis,
    clients,
    emitter,
    /** The URL the agent uses: anvil, or the hostile proxy in front of it. */
    rpcUrl: proxy?.url ?? anvil.url,
    rpc: hostile ? 'hostile proxy (worst profile)' : 'direct',
    stop: async () => {
      await proxy?.close();
      await Promise.all([anvil.stop(), redis.stop()]);
    },
  };
}

/** Resolves when `count()` reaches `target`. */
function reached(count: () => number, target: number) {
  return new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (count() >= target) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
}

async function throughput(): Promise<BenchResult> {
  const s = await stack();
  const events = 30_000;
  const perTx = 2_000;
  const concurrency = 64;
  for (let sent = 0; sent < events; sent += perTx) await ping(s.clients, s.emitter, perTx);

  // Reference: raw BullMQ, the same number of jobs with the same payload shape, added in bulk.
  const payload = {
    kind: 'event',
    log: {
      address: s.emitter,
      topics: [keccak256('0x01'), keccak256('0x02')],
      data: `0x${'00'.repeat(32)}`,
      block_number: '123',
      block_hash: keccak256('0x03'),
      log_index: 0,
      tx_hash: keccak256('0x04'),
    },
  };
  const connection = new Redis(s.redis.url, { maxRetriesPerRequest: null });
  const raw = new Queue('raw', { connection, prefix: 'bench' });
  let rawDone = 0;
  const rawStart = performance.now();
  const workerConnection = new Redis(s.redis.url, { maxRetriesPerRequest: null });
  const worker = new Worker('raw', async () => void rawDone++, {
    connection: workerConnection,
    prefix: 'bench',
    concurrency,
  });
  for (let i = 0; i < events; i += 1_000) {
    await raw.addBulk(
      Array.from({ length: 1_000 }, (_, j) => ({
        name: 'event',
        data: payload,
        opts: { jobId: `raw-${i + j}`, removeOnComplete: { age: 86_400, count: 100_000 } },
      })),
    );
  }
  await reached(() => rawDone, events);
  const rawSeconds = (performance.now() - rawStart) / 1_000;
  await worker.close();
  await raw.close();
  workerConnection.disconnect();
  connection.disconnect();

  // The runtime: ingest the same number of events from the chain and run a handler for each.
  let handled = 0;
  const role = defineRole({
    name: 'bench-throughput',
    description: 'benchmark: counts events',
    config: z.object({}),
    abi: emitterAbi,
    events: ['Pinged'],
    contracts: ['emitter'],
    handle: async () => void handled++,
  });
  const config = agentConfig({
    rpcUrl: s.rpcUrl,
    redisUrl: s.redis.url,
    emitter: s.emitter,
    extra: {
      // One block (2,000 events, ~1.4 MB of logs) per getLogs: what a provider's caps allow (a
      // wider first range is refused by viem's 10 MB response cap and halved step by step).
      ingest: { confirmations: 0, max_block_range: 1, max_logs_per_step: 2_000 },
      queue: { concurrency },
      http: { enabled: false },
    },
  });
  const agent = createAgent({ role, config, logger: silent });
  const start = performance.now();
  await agent.start();
  await reached(() => handled, events);
  const seconds = (performance.now() - start) / 1_000;
  await agent.stop();
  await s.stop();
  const value = events / seconds;
  const reference = events / rawSeconds;
  return {
    name: 'runtime-throughput',
    unit: 'events/s',
    value,
    reference,
    ratio: value / reference,
    params: {
      events,
      events_per_block: perTx,
      concurrency,
      seconds,
      reference_seconds: rawSeconds,
      rpc: s.rpc,
    },
  };
}

async function latency(): Promise<BenchResult> {
  const s = await stack();
  const confirmations = 2;
  const warmup = 5;
  const started = new Map<string, number>();
  const role = defineRole({
    name: 'bench-latency',
    description: 'benchmark: records when each handler starts',
    config: z.object({}),
    abi: emitterAbi,
    events: ['Pinged'],
    contracts: ['emitter'],
    handle: async (event) => {
      if (event.eventName === 'Pinged') started.set(event.args.id, performance.now());
    },
  });
  const config = agentConfig({
    rpcUrl: s.anvil.url,
    redisUrl: s.redis.url,
    emitter: s.emitter,
    extra: {
      chain: { chain_id: 31337, rpc_url: s.rpcUrl, ws_url: s.rpcUrl.replace('http', 'ws') },
      ingest: { confirmations, poll_interval_ms: 1_000 },
      http: { enabled: false },
    },
  });
  const agent = createAgent({ role, config, logger: silent });
  await agent.start();
  const samples: number[] = [];
  const begin = performance.now();
  for (let seq = 0; samples.length < 50 || performance.now() - begin < minSeconds * 1_000; seq++) {
    await ping(s.clients, s.emitter, 1);
    await s.clients.test.mine({ blocks: confirmations - 1 });
    const id = `0x${seq.toString(16).padStart(64, '0')}` as Hex;
    const confirmedAt = performance.now();
    await s.clients.test.mine({ blocks: 1 });
    await reached(() => (started.has(id) ? 1 : 0), 1);
    // The first events warm up the process and the WebSocket subscription; they do not count.
    if (seq >= warmup) samples.push(started.get(id)! - confirmedAt);
  }
  await agent.stop();
  await s.stop();
  return {
    name: 'runtime-latency',
    unit: 'ms',
    value: percentile(samples, 50),
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    params: {
      samples: samples.length,
      warmup,
      confirmations,
      transport: 'websocket',
      poll_interval_ms: 1_000,
      rpc: s.rpc,
    },
  };
}

async function txSender(): Promise<BenchResult> {
  const s = await stack();
  const concurrency = 32;
  for (let i = 0; i < 4; i++) await ping(s.clients, s.emitter, 2_500);
  const id = (seq: number) => `0x${seq.toString(16).padStart(64, '0')}` as Hex;
  const ack = (seq: number): Action<typeof emitterAbi, 'ack'> => ({
    id: `ack-${seq}`,
    address: s.emitter,
    abi: emitterAbi,
    functionName: 'ack',
    args: [id(seq)],
  });
  /** Runs `send(seq)` from `concurrency` loops for `minSeconds`; returns sends per second. */
  async function sustained(first: number, send: (seq: number) => Promise<unknown>) {
    let next = first;
    const deadline = performance.now() + minSeconds * 1_000;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) await send(next++);
      }),
    );
    return { count: next - first, rate: (next - first) / ((performance.now() - start) / 1_000) };
  }

  // Reference: a plain local-nonce viem loop (no Redis, no simulation) from another key.
  const referenceAccount = privateKeyToAccount(
    '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  );
  let referenceNonce = 0;
  let sending: Promise<unknown> = Promise.resolve();
  const fees = await s.clients.public.estimateFeesPerGas();
  const reference = await sustained(5_000, async (seq) => {
    const signAndSend = async () => {
      const raw = await referenceAccount.signTransaction({
        chainId: 31337,
        type: 'eip1559',
        to: s.emitter,
        data: encodeFunctionData({ abi: emitterAbi, functionName: 'ack', args: [id(seq)] }),
        nonce: referenceNonce++,
        gas: 100_000n,
        ...fees,
      });
      return s.clients.public.sendRawTransaction({ serializedTransaction: raw });
    };
    // Broadcast in nonce order, as the runtime's sender does.
    const sent = sending.then(signAndSend);
    sending = sent.catch(() => {});
    await s.clients.public.waitForTransactionReceipt({ hash: await sent, pollingInterval: 20 });
  });

  const config = agentConfig({
    rpcUrl: s.anvil.url,
    redisUrl: s.redis.url,
    emitter: s.emitter,
    extra: { sender: { poll_interval_ms: 20, confirmations: 1 } },
  });
  const redis = new Redis(s.redis.url, { maxRetriesPerRequest: null });
  const sender = createTxSender({
    chain: createChain({ config: config.chain }),
    account: privateKeyToAccount(agentKey),
    redis,
    key: 'bench:31337',
    config: config.sender,
    logger: silent,
    metrics: createMetrics({ role: 'bench-sender' }),
  });
  await sender.start();
  const ours = await sustained(0, (seq) => sender.send(ack(seq)));
  const nonce = await s.clients.public.getTransactionCount({ address: sender.address });
  redis.disconnect();
  await s.stop();
  if (nonce !== ours.count) throw new Error(`nonce ${nonce} after ${ours.count} sends`);
  return {
    name: 'tx-sender',
    unit: 'tx/s',
    value: ours.rate,
    reference: reference.rate,
    ratio: ours.rate / reference.rate,
    params: { concurrency, sent: ours.count, confirmations: 1, nonces_checked: true, seconds: minSeconds },
  };
}

export default [
  { name: 'runtime-throughput', run: throughput },
  { name: 'runtime-latency', run: latency },
  { name: 'tx-sender', run: txSender },
] satisfies Benchmark[];
