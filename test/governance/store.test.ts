/**
 * The governance store's coalesced cascades on a real redis-server: requests made while a
 * cascade runs, from any number of concurrent jobs, make it run exactly once more after it (none
 * fails or waits), and a request made after the run ended runs at once.
 */
import { describe, expect, it } from 'vitest';
import { createGovernanceStore } from '../../agents/governance/store.js';
import { useRedis } from '../runtime/helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('governance store: coalesced cascades', () => {
  const { client } = useRedis();
  const store = () =>
    createGovernanceStore({
      redis: client(),
      key: 'test:31337',
      governance: '0xAbC',
      role: 'cascade-keeper',
    });

  it('coalesces the requests made during a run into one more run', async () => {
    let runs = 0;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const work = async () => {
      runs++;
      started();
      await sleep(300);
    };
    const first = store().runCoalesced(1n, 1_000, work);
    await running;
    const during = await Promise.all(Array.from({ length: 19 }, () => store().runCoalesced(1n, 1_000, work)));
    expect(during.every((ran) => ran === false)).toBe(true);
    expect(await first).toBe(true);
    expect(runs).toBe(2);
    expect(await store().runCoalesced(1n, 1_000, work)).toBe(true);
    expect(runs).toBe(3);
  });

  it('leaves a request of a failed run for the retry', async () => {
    await expect(
      store().runCoalesced(2n, 1_000, async () => {
        throw new Error('rpc down');
      }),
    ).rejects.toThrow(/rpc down/);
    let runs = 0;
    expect(await store().runCoalesced(2n, 1_000, async () => void runs++)).toBe(true);
    expect(runs).toBe(1);
  });
});
