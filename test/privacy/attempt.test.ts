/**
 * The mpc-node's agreement on an attempt number, over in-memory links: the three nodes end on the
 * highest proposal whatever the proposals, skip lower announcements left over from earlier rounds,
 * and a silent peer fails the agreement with a timeout.
 */
import { describe, expect, it } from 'vitest';
import { asBytes, MpcTimeoutError } from '../../agents/privacy/mpc/link.js';
import { createMemoryLinks } from '../../agents/privacy/mpc/memory.js';
import { agreeOnAttempt } from '../../agents/privacy/mpc-node/role.js';

describe('agreeOnAttempt', () => {
  it('ends on the highest proposal on every node, for random proposals', async () => {
    for (let run = 0; run < 200; run++) {
      const proposals = [0, 1, 2].map(() => 1 + Math.floor(Math.random() * 6));
      const links = createMemoryLinks({ timeoutMs: 1_000 });
      const agreed = await Promise.all(links.map((link, i) => agreeOnAttempt(link, proposals[i]!)));
      expect(agreed).toEqual(Array(3).fill(Math.max(...proposals)));
    }
  });

  it('skips lower announcements left in the channel by earlier rounds', async () => {
    const links = createMemoryLinks({ timeoutMs: 1_000 });
    // Node 1 announced 2 and 3 in earlier rounds that node 0 never read.
    for (const stale of [2, 3]) links[1]!.send('prev', asBytes(Uint32Array.of(stale)));
    const agreed = await Promise.all([5, 4, 4].map((p, i) => agreeOnAttempt(links[i]!, p)));
    expect(agreed).toEqual([5, 5, 5]);
  });

  it('fails with a timeout when a peer never announces', async () => {
    const links = createMemoryLinks({ timeoutMs: 200 });
    const outcomes = await Promise.allSettled([agreeOnAttempt(links[0]!, 1), agreeOnAttempt(links[1]!, 1)]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(MpcTimeoutError);
    }
  });
});
