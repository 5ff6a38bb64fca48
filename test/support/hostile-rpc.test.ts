import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type Service, startAnvil } from '../../agents/stack/services.js';
import { chainClients, deployEmitter, ping } from '../runtime/helpers.js';
import { type HostileRpc, startHostileRpc } from './hostile-rpc.js';

type Answer = { id: unknown; result?: unknown; error?: { code: number; message: string } };

async function rpc(url: string, method: string, params: unknown[] = []) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params }),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}
const answer = async (url: string, method: string, params: unknown[] = []) =>
  JSON.parse((await rpc(url, method, params)).body) as Answer;
const hex = (n: bigint | number) => `0x${n.toString(16)}`;

describe('hostile RPC proxy', () => {
  let anvil: Service;
  const proxies: HostileRpc[] = [];
  const start = async (options: Omit<Parameters<typeof startHostileRpc>[0], 'target'> = {}) => {
    const proxy = await startHostileRpc({ target: anvil.url, ...options });
    proxies.push(proxy);
    return proxy;
  };
  beforeAll(async () => {
    anvil = await startAnvil();
    await chainClients(anvil.url).test.mine({ blocks: 1_100 });
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await anvil?.stop();
  });

  it('passes calls and batches through when benign', async () => {
    const proxy = await start();
    expect((await answer(proxy.url, 'eth_chainId')).result).toBe('0x7a69');
    const response = await fetch(proxy.url, {
      method: 'POST',
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] },
        { jsonrpc: '2.0', id: 2, method: 'net_version', params: [] },
      ]),
    });
    expect(((await response.json()) as Answer[]).map((a) => a.id)).toEqual([1, 2]);
  });

  it("caps getLogs at 1,000 blocks with Alchemy's, Infura's and QuickNode's errors in turn", async () => {
    const proxy = await start({ maxLogRange: 1_000 });
    const over = [{ fromBlock: '0x0', toBlock: hex(1_000) }];
    const errors = [];
    for (let i = 0; i < 3; i++) errors.push((await answer(proxy.url, 'eth_getLogs', over)).error);
    expect(errors[0]).toEqual({
      code: -32602,
      message:
        'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response.',
    });
    expect(errors[1]).toEqual({
      code: -32005,
      message: 'query returned more than 10000 results. Try with this block range [0x0, 0x1f4].',
    });
    expect(errors[2]).toEqual({ code: -32602, message: 'eth_getLogs is limited to a 1000 range' });
    const within = await answer(proxy.url, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: hex(999) }]);
    expect(within.result).toEqual([]);
    expect(proxy.stats().refusedRange).toBe(3);
  });

  it('caps getLogs results', async () => {
    const clients = chainClients(anvil.url);
    const emitter = await deployEmitter(clients);
    await ping(clients, emitter, 12);
    const proxy = await start({ maxLogResults: 10, providers: ['infura'] });
    const filter = { address: emitter, fromBlock: '0x0', toBlock: 'latest' };
    const refused = await answer(proxy.url, 'eth_getLogs', [filter]);
    expect(refused.error?.code).toBe(-32005);
    expect(refused.error?.message).toMatch(/^query returned more than 10 results/);
    proxy.set({ maxLogResults: 12 });
    expect((await answer(proxy.url, 'eth_getLogs', [filter])).result).toHaveLength(12);
    expect(proxy.stats().refusedResults).toBe(1);
  });

  it('answers 429 with Retry-After, and 5xx', async () => {
    const proxy = await start({ tooManyRate: 1, retryAfterS: 2 });
    const limited = await rpc(proxy.url, 'eth_chainId');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    proxy.set({ tooManyRate: 0, serverErrorRate: 1 });
    expect([502, 503]).toContain((await rpc(proxy.url, 'eth_chainId')).status);
    expect(proxy.stats()).toMatchObject({ tooMany: 1, serverErrors: 1 });
  });

  it('drops the connection after the node executed the request', async () => {
    const proxy = await start({ dropRate: 1 });
    const before = BigInt((await answer(anvil.url, 'eth_blockNumber')).result as string);
    await expect(rpc(proxy.url, 'evm_mine')).rejects.toThrow();
    const after = BigInt((await answer(anvil.url, 'eth_blockNumber')).result as string);
    expect(after).toBe(before + 1n);
    expect(proxy.stats().dropped).toBe(1);
  });

  it('adds latency', async () => {
    const proxy = await start({ latencyMs: 150, jitterMs: 50 });
    const started = Date.now();
    await rpc(proxy.url, 'eth_chainId');
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('load-balances over a backend that lags behind: heads go back and forth', async () => {
    const proxy = await start({ lagBlocks: 3 });
    const head = BigInt((await answer(anvil.url, 'eth_blockNumber')).result as string);
    const heads = new Set<bigint>();
    const blocks: unknown[] = [];
    const logs: Answer[] = [];
    const receipts: unknown[] = [];
    const tx = (
      (await answer(anvil.url, 'eth_getBlockByNumber', [hex(head), false])).result as {
        transactions: string[];
      }
    ).transactions[0];
    for (let i = 0; i < 30; i++) {
      heads.add(BigInt((await answer(proxy.url, 'eth_blockNumber')).result as string));
      blocks.push((await answer(proxy.url, 'eth_getBlockByNumber', [hex(head), false])).result);
      logs.push(await answer(proxy.url, 'eth_getLogs', [{ fromBlock: hex(head - 1n), toBlock: hex(head) }]));
      if (tx) receipts.push((await answer(proxy.url, 'eth_getTransactionReceipt', [tx])).result);
    }
    expect([...heads].sort()).toEqual([head - 3n, head]);
    expect(blocks.filter((b) => b === null).length).toBeGreaterThan(0);
    expect(blocks.filter((b) => b !== null).length).toBeGreaterThan(0);
    const refused = logs.filter((a) => a.error);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.error!.message).toBe(
      'One of the blocks specified in filter (fromBlock, toBlock or blockHash) cannot be found.',
    );
    expect(logs.filter((a) => a.result).length).toBeGreaterThan(0);
    if (tx) expect(receipts.filter((r) => r === null).length).toBeGreaterThan(0);
    const latest = (await answer(proxy.url, 'eth_getBlockByNumber', ['latest', false])).result as {
      number: string;
    };
    expect([head, head - 3n]).toContain(BigInt(latest.number));
  });

  it('relays WebSocket subscriptions and drops them', async () => {
    const proxy = await start({ wsDropAfterMs: 600 });
    const socket = new WebSocket(proxy.wsUrl);
    const messages: string[] = [];
    const closed = new Promise<number>((resolve) => {
      const opened = Date.now();
      socket.on('close', () => resolve(Date.now() - opened));
    });
    socket.on('message', (data) => messages.push(data.toString()));
    await new Promise<void>((resolve) => socket.on('open', () => resolve()));
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));
    await new Promise((r) => setTimeout(r, 100));
    await rpc(anvil.url, 'evm_mine');
    expect(await closed).toBeLessThan(1_000);
    expect(messages.some((m) => m.includes('eth_subscription'))).toBe(true);
    expect(proxy.stats()).toMatchObject({ wsConnections: 1, wsDropped: 1 });
  });
});
