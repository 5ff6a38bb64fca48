import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Address, createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oracleAbi, reputationAbi } from '../../agents/generated/abis.js';
import { oracleKeeper } from '../../agents/oracle/keeper.js';
import { oracleReporter } from '../../agents/oracle/reporter.js';
import { disputeWatcher } from '../../agents/oracle/watcher.js';
import type { Agent } from '../../agents/runtime/index.js';
import { freePort, type Service, startAnvil, startRedis } from '../../agents/stack/services.js';
import { type Clients, chainClients, waitFor } from '../runtime/helpers.js';
import {
  counter,
  createNavQuestion,
  deployOracle,
  devKeys,
  navOutcome,
  type OracleStack,
  parameters,
  questionState,
  rep,
  repBalance,
  startDataServer,
  startOracleAgent,
  travel,
} from './helpers.js';

const TRUE_NAV = '102.35';
const LIE_NAV = '95.10';
const Status = { Pending: 0, Reported: 1, Disputed: 2, Final: 3 };
const BALANCE = rep(1_000);

describe('oracle agents on anvil and redis: a lying NAV report is disputed and corrected', () => {
  let anvil: Service;
  let redis: Service;
  let clients: Clients;
  let stack: OracleStack;
  let data: Awaited<ReturnType<typeof startDataServer>>;
  let racers: Agent[] = [];
  const agents: Agent[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'stoa-oracle-'));
  const actors = devKeys.map((key) => privateKeyToAccount(key).address);
  const [liar, watcherA, watcherB, blindWatcher, keeper, splitReporter, racerA, racerB, counterLiar] =
    actors as [Address, Address, Address, Address, Address, Address, Address, Address, Address];

  beforeAll(async () => {
    [anvil, redis, data] = await Promise.all([startAnvil({ blockTime: 1 }), startRedis(), startDataServer()]);
    clients = chainClients(anvil.url);
    stack = await deployOracle(clients, { actors, balance: BALANCE });
    data.set('/funds/FUNDX/nav', { data: { fund: 'FUNDX', nav: TRUE_NAV } });
    data.set('/funds/FUNDY/nav', { data: { fund: 'FUNDY', nav: '50.00' } });

    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const lie = file('liar.json', JSON.stringify({ nav: Number(LIE_NAV) }));
    const csv = file('navs.csv', `date,fund,nav\n2026-11-20,FUNDX,101.90\n2026-11-23,FUNDX,${TRUE_NAV}\n`);
    const manual = file('answers.json', JSON.stringify({ 1: TRUE_NAV }));
    const stale = file('stale.json', JSON.stringify({ funds: [{ nav: '110.00' }] }));
    const down = `http://127.0.0.1:${await freePort()}`;

    const nav = { uri: '^stoa://nav/(?<fund>FUNDX)/' };
    const httpSource = (base: string) => ({
      type: 'http',
      url: `${base}/funds/{fund}/nav`,
      path: 'data.nav',
    });
    const start = async (role: typeof oracleKeeper, keyIndex: number, settings: Record<string, unknown>) => {
      const { agent } = await startOracleAgent({
        role,
        keyIndex,
        rpcUrl: anvil.url,
        redisUrl: redis.url,
        stack,
        settings,
      });
      agents.push(agent);
      return agent;
    };
    const watcherSettings = (sources: unknown[], match = nav, cap = '25') => ({
      questions: [{ match, decimals: 18, sources }],
      bond_budget: '200',
      max_stake_per_round: cap,
    });
    const fundY = { uri: '^stoa://nav/(?<fund>FUNDY)/' };
    const started = await Promise.all([
      start(oracleReporter, 0, {
        questions: [
          { match: { ids: [1] }, decimals: 18, sources: [{ type: 'file', path: lie, json_path: 'nav' }] },
          {
            match: { uri: '^stoa://nav/NOSHOW/' },
            decimals: 18,
            sources: [{ type: 'manual', value: '77.70' }],
          },
        ],
        report_no_shows: true,
      }),
      start(
        disputeWatcher,
        1,
        watcherSettings([
          httpSource(data.url),
          { type: 'file', path: csv, column: 'nav', key_column: 'fund', key: '{fund}' },
        ]),
      ),
      start(disputeWatcher, 2, watcherSettings([httpSource(data.url), { type: 'manual', file: manual }])),
      start(disputeWatcher, 3, watcherSettings([httpSource(down)])),
      start(oracleKeeper, 4, {}),
      start(disputeWatcher, 6, watcherSettings([httpSource(data.url)], fundY, '60')),
      start(disputeWatcher, 7, watcherSettings([httpSource(data.url)], fundY, '60')),
      start(oracleReporter, 5, {
        questions: [
          {
            match: nav,
            decimals: 18,
            sources: [httpSource(data.url), { type: 'file', path: stale, json_path: '$.funds[0].nav' }],
          },
        ],
      }),
    ]);
    racers = started.slice(5, 7); // the two FUNDY watchers (keys 6 and 7)
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await Promise.all([anvil?.stop(), redis?.stop(), data?.stop()]);
  });

  it('watchers dispute the lie, the true NAV finalizes, the liar loses its bond and the watchers are paid', async () => {
    const id = await createNavQuestion(clients, stack, {
      uri: 'stoa://nav/FUNDX/2026-11-23',
      reporter: liar,
      tolerance: 2,
    });
    expect(id).toBe(1n);
    await travel(clients, 6);

    // The liar reports; both honest watchers dispute within their per-round cap and fill the bond (40).
    const disputed = await waitFor(
      async () => {
        const state = await questionState(clients, stack, id);
        return state.status === Status.Disputed && state;
      },
      { what: 'the lie disputed', timeoutMs: 60_000 },
    );
    expect(disputed.outcome).toBe(navOutcome(TRUE_NAV));
    const stakes = await Promise.all(
      [watcherA, watcherB, blindWatcher].map((w) =>
        clients.public.readContract({
          address: stack.oracle,
          abi: oracleAbi,
          functionName: 'stakeOf',
          args: [id, 1n, navOutcome(TRUE_NAV), w],
        }),
      ),
    );
    expect(stakes[0]! + stakes[1]!).toBe(rep(40));
    expect(stakes[0]! > 0n && stakes[1]! > 0n).toBe(true);
    // The watcher whose source is down refused, and staked nothing.
    await waitFor(
      async () =>
        (await counter('stoa_oracle_refusals_total', { account: blindWatcher, reason: 'source_error' })) > 0,
      {
        what: 'the blind watcher refusing',
      },
    );
    expect(stakes[2]).toBe(0n);

    // The window passes quietly: the keeper finalizes, the watchers redeem.
    await travel(clients, parameters.shortDisputeWindow + 1);
    await waitFor(async () => (await questionState(clients, stack, id)).status === Status.Final, {
      what: 'finalized',
    });
    const final = await clients.public.readContract({
      address: stack.oracle,
      abi: oracleAbi,
      functionName: 'finalValue',
      args: [id],
    });
    expect(final[0]).toBe(rep(TRUE_NAV));
    const balances = await waitFor(
      async () => {
        const [a, b] = await Promise.all([
          repBalance(clients, stack, watcherA),
          repBalance(clients, stack, watcherB),
        ]);
        return a > BALANCE && b > BALANCE && { a, b };
      },
      { what: 'watchers paid' },
    );
    // Winners share the liar's 20 REP up to +40% of their 40: 16 REP; 4 REP are burned.
    expect(balances.a + balances.b).toBe(2n * BALANCE + rep(16));
    expect(await repBalance(clients, stack, liar)).toBe(BALANCE - rep(20));
    expect(await repBalance(clients, stack, blindWatcher)).toBe(BALANCE);
    // No duplicate transaction despite delayed tasks, sweeps and racing watchers: one finalize; for the
    // liar an approval, the report and its redeem (paying nothing); for each watcher an approval, a stake
    // and a redeem.
    const sent = (account: Address) => clients.public.getTransactionCount({ address: account });
    await waitFor(async () => (await sent(liar)) === 3, { what: 'the liar redeeming its lost stake' });
    expect(await sent(keeper)).toBe(1);
    expect(await sent(watcherA)).toBe(3);
    expect(await sent(watcherB)).toBe(3);
    expect(await sent(blindWatcher)).toBe(0);
  });

  it('a reporter whose sources disagree beyond the tolerance does not report', async () => {
    const id = await createNavQuestion(clients, stack, {
      uri: 'stoa://nav/FUNDX/2026-11-24',
      reporter: splitReporter,
      tolerance: 2,
    });
    await travel(clients, 6);
    await waitFor(
      async () =>
        (await counter('stoa_oracle_refusals_total', { account: splitReporter, reason: 'disagreement' })) >=
        2,
      {
        what: 'the reporter refusing twice',
      },
    );
    expect((await questionState(clients, stack, id)).status).toBe(Status.Pending);
    expect(await clients.public.getTransactionCount({ address: splitReporter })).toBe(0);
    expect(await repBalance(clients, stack, splitReporter)).toBe(BALANCE);
  });

  it('watchers follow a counter-dispute into later rounds; a lost race is no error', async () => {
    const id = await createNavQuestion(clients, stack, {
      uri: 'stoa://nav/FUNDY/2026-11-23',
      reporter: counterLiar,
      tolerance: 2,
    });
    await travel(clients, 6);
    const liarWallet = createWalletClient({
      chain: clients.public.chain,
      transport: http(anvil.url),
      account: privateKeyToAccount(devKeys[8]!),
    });
    const send = async (request: Parameters<typeof liarWallet.writeContract>[0]) => {
      const hash = await liarWallet.writeContract(request);
      await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    };
    const [lie, truth] = [navOutcome('42.00'), navOutcome('50.00')];
    await send({
      address: stack.reputation,
      abi: reputationAbi,
      functionName: 'approve',
      args: [stack.oracle, rep(1_000)],
    });
    await send({
      address: stack.oracle,
      abi: oracleAbi,
      functionName: 'initialReport',
      args: [id, lie, `0x${'00'.repeat(32)}`],
    });
    const round = (n: number, outcome: number) => async () => {
      const state = await questionState(clients, stack, id);
      return state.rounds === n && state.outcome === outcome;
    };
    // Both racers want to fill round 1 (40) alone: one does, the other is told it is done already.
    await waitFor(round(1, truth), { what: 'round 1 filled with the truth' });
    // The liar counter-disputes (round 2, 60 REP); the racers answer with round 3 (120 REP, 60 each).
    await send({
      address: stack.oracle,
      abi: oracleAbi,
      functionName: 'contribute',
      args: [id, lie, rep(60), `0x${'00'.repeat(32)}`],
    });
    await waitFor(round(3, truth), { what: 'round 3 filled with the truth' });
    const stakeOf = (round: bigint, account: Address) =>
      clients.public.readContract({
        address: stack.oracle,
        abi: oracleAbi,
        functionName: 'stakeOf',
        args: [id, round, truth, account],
      });
    expect((await stakeOf(1n, racerA)) + (await stakeOf(1n, racerB))).toBe(rep(40));
    // Round 3 takes 120 REP and each racer stakes at most 60 in a round (max_stake_per_round counts
    // what its account already has there, e.g. a contribution read for round 2 that landed in 3).
    expect([await stakeOf(3n, racerA), await stakeOf(3n, racerB)]).toEqual([rep(60), rep(60)]);

    // Round 3 is past the pacing threshold: a long window.
    await travel(clients, parameters.longDisputeWindow + 1);
    await waitFor(async () => (await questionState(clients, stack, id)).status === Status.Final, {
      what: 'finalized',
    });
    // Truth holds 160 of 240 REP: winners get +40% (64 REP), 16 REP burned.
    const paid = await waitFor(
      async () => {
        const [a, b] = await Promise.all([
          repBalance(clients, stack, racerA),
          repBalance(clients, stack, racerB),
        ]);
        const redeemed = (await stakeOf(1n, racerA)) + (await stakeOf(1n, racerB)) === 0n;
        return redeemed && a + b === 2n * BALANCE + rep(64) && { a, b };
      },
      { what: 'racers paid for rounds 1 and 3' },
    );
    expect(paid.a > BALANCE && paid.b > BALANCE).toBe(true);
    expect(await repBalance(clients, stack, counterLiar)).toBe(BALANCE - rep(80));
    // The racer that lost round 1 was told "already done" (or saw the round filled): no job failed.
    for (const racer of racers) expect(await racer.queue().failedCount()).toBe(0);
  });

  it('after a no-show, a reporter with report_no_shows reports as anyone, staking the no-show bond', async () => {
    const id = await createNavQuestion(clients, stack, {
      uri: 'stoa://nav/NOSHOW/2026-11-23',
      reporter: blindWatcher,
      tolerance: 2,
    });
    const before = await repBalance(clients, stack, liar);
    await travel(clients, 6);
    // Within the designated reporter's window nobody else may report.
    await travel(clients, parameters.reportingWindow - 10);
    expect((await questionState(clients, stack, id)).status).toBe(Status.Pending);
    await travel(clients, 11);
    const reported = await waitFor(
      async () => {
        const state = await questionState(clients, stack, id);
        return state.status === Status.Reported && state;
      },
      { what: 'the no-show reported' },
    );
    expect(reported.outcome).toBe(navOutcome('77.70'));
    expect(reported.designatedReported).toBe(false);
    const report = await clients.public.readContract({
      address: stack.oracle,
      abi: oracleAbi,
      functionName: 'round',
      args: [id, 0n],
    });
    expect(report.stake).toBe(parameters.noShowBond);
    expect(await repBalance(clients, stack, liar)).toBe(before);
  });
  it('a watcher counts what its account already has in the round against max_stake_per_round', async () => {
    // Key 8 runs no agent yet: it stakes 30 of round 1's 40 on the truth by hand (as a contribution
    // sent for an earlier round lands in the next), then runs a watcher capped at 35 per round.
    data.set('/funds/FUNDW/nav', { data: { fund: 'FUNDW', nav: '50.00' } });
    const deployer = clients.wallet.account.address;
    const id = await createNavQuestion(clients, stack, {
      uri: 'stoa://nav/FUNDW/2026-11-24',
      reporter: deployer,
      tolerance: 2,
    });
    await travel(clients, 6);
    const [lie, truth] = [navOutcome('42.00'), navOutcome('50.00')];
    const evidence = `0x${'00'.repeat(32)}` as const;
    const own = createWalletClient({
      chain: clients.public.chain,
      transport: http(anvil.url),
      account: privateKeyToAccount(devKeys[8]!),
    });
    for (const [wallet, request] of [
      [clients.wallet, { functionName: 'initialReport', args: [id, lie, evidence] }],
      [own, { functionName: 'contribute', args: [id, truth, rep(30), evidence] }],
    ] as const) {
      if (wallet === clients.wallet) {
        const approve = await wallet.writeContract({
          address: stack.reputation,
          abi: reputationAbi,
          functionName: 'approve',
          args: [stack.oracle, rep(1_000)],
        });
        await clients.public.waitForTransactionReceipt({ hash: approve, pollingInterval: 50 });
      }
      const hash = await wallet.writeContract({ address: stack.oracle, abi: oracleAbi, ...request } as never);
      expect((await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 50 })).status).toBe(
        'success',
      );
    }
    const { agent } = await startOracleAgent({
      role: disputeWatcher,
      keyIndex: 8,
      rpcUrl: anvil.url,
      redisUrl: redis.url,
      stack,
      settings: {
        questions: [
          {
            match: { uri: '^stoa://nav/(?<fund>FUNDW)/' },
            decimals: 18,
            sources: [{ type: 'http', url: `${data.url}/funds/{fund}/nav`, path: 'data.nav' }],
          },
        ],
        bond_budget: '200',
        max_stake_per_round: '35',
      },
    });
    agents.push(agent);
    const stake = () =>
      clients.public.readContract({
        address: stack.oracle,
        abi: oracleAbi,
        functionName: 'stakeOf',
        args: [id, 1n, truth, counterLiar],
      });
    const after = await waitFor(
      async () => {
        const s = await stake();
        return s > rep(30) && s;
      },
      { what: 'the watcher to stake' },
    );
    expect(after).toBe(rep(35));
  });
});
