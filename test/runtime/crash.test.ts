import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { emitterAbi } from '../../agents/generated/abis.js';
import { ExitCode } from '../../agents/runtime/index.js';
import { type HostileRpc, startHostileRpc } from '../support/hostile-rpc.js';
import {
  agentAddress,
  agentKey,
  emitterView,
  exited,
  hostileTestProfile,
  ping,
  rawConfig,
  rpcPaths,
  type Stack,
  spawnAckEmitter,
  startStack,
  waitFor,
} from './helpers.js';

describe.each(rpcPaths)('crash safety of the ack-emitter agent process ($path)', ({ hostile }) => {
  let stack: Stack;
  let rpc: HostileRpc | undefined;
  beforeAll(async () => {
    stack = await startStack();
    if (hostile) rpc = await startHostileRpc({ target: stack.anvil.url, ...hostileTestProfile });
  });
  afterAll(async () => {
    await rpc?.close();
    await stack?.stop();
  });

  it('loses no event and acts at most once on chain across 5 SIGKILLs', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stoa-crash-'));
    const configFile = join(dir, 'agent.json');
    const raw = rawConfig({
      rpcUrl: rpc?.url ?? stack.anvil.url,
      redisUrl: stack.redis.url,
      emitter: stack.emitter,
      extra: {
        ...(rpc && { chain: { chain_id: 31337, rpc_url: rpc.url, ws_url: rpc.wsUrl, startup_attempts: 5 } }),
        sweep: { enabled: true, cron: '*/5 * * * * *' },
        log: { level: 'warn' },
      },
    });
    writeFileSync(configFile, JSON.stringify(raw));
    const acks = async () => Number(await emitterView(stack.clients, stack.emitter, 'ackCount'));

    // Events stream for as long as the agent is being killed, and at least 500 of them (200
    // through the hostile provider, which is slower).
    const minimum = hostile ? 200 : 500;
    let kills = 0;
    const pinger = (async () => {
      let sent = 0;
      while (kills < 5 || sent < minimum) {
        const n = 1 + Math.floor(Math.random() * 8);
        await ping(stack.clients, stack.emitter, n);
        sent += n;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
      return sent;
    })();

    const output: string[] = [];
    onTestFailed(() => console.log(output.join('').slice(-20_000)));
    for (; kills < 5; kills++) {
      const child = spawnAckEmitter(configFile, output);
      const before = await acks();
      await waitFor(async () => (await acks()) > before, { what: 'the agent to act', intervalMs: 50 });
      await new Promise((r) => setTimeout(r, Math.random() * 1_000));
      child.kill('SIGKILL');
      await exited(child);
    }
    expect(await pinger).toBeGreaterThanOrEqual(minimum);
    await stack.clients.test.mine({ blocks: 2 });

    const last = spawnAckEmitter(configFile, output);
    const pings = Number(await emitterView(stack.clients, stack.emitter, 'pingCount'));
    await waitFor(async () => (await acks()) === pings, {
      what: `all ${pings} pings acked`,
      timeoutMs: 90_000,
    });
    last.kill('SIGTERM');
    expect(await exited(last)).toBe(ExitCode.ok);

    expect(kills).toBe(5);
    expect(await acks()).toBe(pings);
    // Every transaction the agent's key ever sent is one successful ack: nothing was sent twice.
    expect(await stack.clients.public.getTransactionCount({ address: agentAddress })).toBe(pings);
    const acked = await stack.clients.public.getContractEvents({
      address: stack.emitter,
      abi: emitterAbi,
      eventName: 'Acked',
      fromBlock: 0n,
    });
    expect(new Set(acked.map((e) => e.args.id)).size).toBe(pings);
    expect(output.join('')).not.toContain(agentKey.slice(2));
  });
});
