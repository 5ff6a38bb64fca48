/**
 * The dispute watcher's bond budget on a real redis-server: reservations stop at the budget, a
 * transaction commits once however often its job runs, release frees positions, and committed
 * hashes are forgotten only after the retention period.
 */
import { describe, expect, it } from 'vitest';
import { createBudget } from '../../agents/oracle/budget.js';
import type { RoleContext } from '../../agents/runtime/index.js';
import { useRedis } from '../runtime/helpers.js';

const { client } = useRedis();

const account = '0x00000000000000000000000000000000000000aa';
const day = 24 * 3600 * 1000;

function budgetAt(clock: { now: number }, prefix: string) {
  const ctx = {
    redis: client(),
    settings: { redis: { prefix } },
    chain: { id: 31337 },
  } as unknown as RoleContext<unknown>;
  return createBudget({ ctx, account, budget: 100n, retentionMs: 30 * day, now: () => clock.now });
}

const position = (round: bigint) => ({ questionId: 7n, round, outcome: 1 });

describe('bond budget', () => {
  it('reserves up to the budget, commits each transaction once and frees released positions', async () => {
    const budget = budgetAt({ now: 0 }, 'budget-a');
    expect(await budget.reserve(position(1n), 60n)).toBe(60n);
    expect(await budget.reserve(position(2n), 60n)).toBe(40n);
    await budget.commit(position(1n), position(1n), 60n, '0x01');
    await budget.commit(position(1n), position(1n), 60n, '0x01'); // the job ran again
    expect(await budget.used()).toBe(100n);
    await budget.release([position(2n)]);
    expect(await budget.used()).toBe(60n);
    await budget.release([position(1n)]);
    expect(await budget.used()).toBe(0n);
  });

  it('forgets committed hashes after the retention period, not before', async () => {
    const clock = { now: 1_000 * day };
    const budget = budgetAt(clock, 'budget-b');
    const committed = 'budget-b:31337:oracle-budget:0x00000000000000000000000000000000000000aa:committed-at';
    for (const hash of ['0x01', '0x02']) {
      await budget.reserve(position(1n), 1n);
      await budget.commit(position(1n), position(1n), 1n, hash);
      clock.now += 20 * day;
    }
    expect(await client().zrange(committed, '0', '-1')).toEqual(['0x01', '0x02']);
    await budget.reserve(position(1n), 1n);
    await budget.commit(position(1n), position(1n), 1n, '0x03'); // 40 days after 0x01, 20 after 0x02
    expect(await client().zrange(committed, '0', '-1')).toEqual(['0x02', '0x03']);
    expect(await budget.used()).toBe(3n);
  });

  it('keeps a question locked while the work inside runs longer than the lock TTL', async () => {
    const budget = budgetAt({ now: 0 }, 'budget-c');
    const order: string[] = [];
    const slow = budget.exclusive(
      7n,
      async () => {
        order.push('first in');
        await new Promise((r) => setTimeout(r, 900)); // a send outliving the 300 ms TTL
        order.push('first out');
      },
      300,
    );
    await new Promise((r) => setTimeout(r, 50));
    const second = budget.exclusive(7n, async () => void order.push('second in'), 3_000);
    await Promise.all([slow, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
  });
});
