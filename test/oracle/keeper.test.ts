import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oracleAbi, reputationAbi } from '../../agents/generated/abis.js';
import { oracleKeeper } from '../../agents/oracle/keeper.js';
import type { Agent } from '../../agents/runtime/index.js';
import { type Service, startAnvil, startRedis } from '../../agents/stack/services.js';
import { type Clients, chainClients, waitFor } from '../runtime/helpers.js';
import {
  counter,
  createNavQuestion,
  deployOracle,
  devKeys,
  navOutcome,
  type OracleStack,
  questionState,
  rep,
  startOracleAgent,
  travel,
} from './helpers.js';

const Status = { Escalated: 4 };

describe('oracle keeper: escalations', () => {
  let anvil: Service;
  let redis: Service;
  let clients: Clients;
  let stack: OracleStack;
  let keeper: Agent;
  const reporter = privateKeyToAccount(devKeys[0]!);
  const disputer = privateKeyToAccount(devKeys[1]!);
  const keeperAddress = privateKeyToAccount(devKeys[4]!).address;

  beforeAll(async () => {
    [anvil, redis] = await Promise.all([startAnvil({ blockTime: 1 }), startRedis()]);
    clients = chainClients(anvil.url);
    // One filled dispute round escalates.
    stack = await deployOracle(clients, {
      actors: [reporter.address, disputer.address],
      balance: rep(1_000),
      overrides: { maxRounds: 1 },
    });
    ({ agent: keeper } = await startOracleAgent({
      role: oracleKeeper,
      keyIndex: 4,
      rpcUrl: anvil.url,
      redisUrl: redis.url,
      stack,
      settings: {},
    }));
  });
  afterAll(async () => {
    await keeper?.stop();
    await Promise.all([anvil?.stop(), redis?.stop()]);
  });

  it('reports an escalated question and never finalizes it', async () => {
    const id = await createNavQuestion(clients, stack, {
      uri: 'stoa://nav/FUNDX/1',
      reporter: reporter.address,
      tolerance: 0,
    });
    await travel(clients, 6);
    const act = async (
      account: typeof reporter,
      request: { functionName: 'initialReport' | 'contribute'; args: readonly unknown[] },
    ) => {
      const wallet = createWalletClient({
        chain: clients.public.chain,
        transport: http(anvil.url),
        account,
      });
      const approve = await wallet.writeContract({
        address: stack.reputation,
        abi: reputationAbi,
        functionName: 'approve',
        args: [stack.oracle, rep(100)],
      });
      await clients.public.waitForTransactionReceipt({ hash: approve, pollingInterval: 50 });
      const hash = await wallet.writeContract({
        address: stack.oracle,
        abi: oracleAbi,
        ...request,
      } as Parameters<typeof wallet.writeContract>[0]);
      await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    };
    const evidence = `0x${'00'.repeat(32)}` as const;
    await act(reporter, { functionName: 'initialReport', args: [id, navOutcome('10.00'), evidence] });
    await act(disputer, { functionName: 'contribute', args: [id, navOutcome('11.00'), rep(40), evidence] });
    expect((await questionState(clients, stack, id)).status).toBe(Status.Escalated);

    await waitFor(
      async () => (await counter('stoa_oracle_escalations_total', { role: 'oracle-keeper' })) === 1,
      {
        what: 'the escalation reported',
      },
    );
    // After the first window's end the sweep rescans and finds nothing to finalize.
    const sweeps = async () =>
      (await keeper.metrics.sweeps.get()).values.find((v) => v.labels.outcome === 'ok')?.value ?? 0;
    await travel(clients, 301);
    const before = await sweeps();
    await waitFor(async () => (await sweeps()) >= before + 2, { what: 'two sweeps after the window' });
    expect((await questionState(clients, stack, id)).status).toBe(Status.Escalated);
    expect(await clients.public.getTransactionCount({ address: keeperAddress })).toBe(0);
  });
});
