/**
 * The governance store's per-proposal lock on a real redis-server: held past its TTL while the
 * work runs (renewed), refused to others meanwhile, free once the work is done, and freed by
 * expiry when its holder is gone (no renewal).
 */
import { describe, expect, it } from 'vitest';
import { createGovernanceStore } from '../../agents/governance/store.js';
import { useRedis } from '../runtime/helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('governance store lock', () => {
  const { client } = useRedis();
  const store = () =>
    createGovernanceStore({
      redis: client(),
      key: 'test:31337',
      governance: '0xAbC',
      role: 'cascade-keeper',
    });

  it('is renewed while the work runs, so it outlives its TTL; others are refused until it ends', async () => {
    const refusedDuring: boolean[] = [];
    // TTL 1.5 s, work 3 s: without renewal the lock would expire halfway.
    const ran = await store().withProposalLock(1n, 1_500, async () => {
      for (let i = 0; i < 5; i++) {
        await sleep(600);
        refusedDuring.push(!(await store().withProposalLock(1n, 1_500, async () => {})));
      }
    });
    expect(ran).toBe(true);
    expect(refusedDuring).toEqual([true, true, true, true, true]);
    expect(await store().withProposalLock(1n, 1_500, async () => {})).toBe(true);
  });

  it("frees by expiry a lock whose holder stopped renewing (a crashed process's)", async () => {
    await client().set('test:31337:cascade-keeper:0xabc:lock:2', 'crashed-holder', 'PX', 500);
    expect(await store().withProposalLock(2n, 500, async () => {})).toBe(false);
    await sleep(700);
    expect(await store().withProposalLock(2n, 500, async () => {})).toBe(true);
  });
});
