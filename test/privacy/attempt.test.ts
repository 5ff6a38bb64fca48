/**
 * The mpc-node's agreement on an attempt number, over in-memory links: the three nodes end on the
 * highest proposal whatever the proposals, skip lower announcements left over from earlier rounds,
 * and a silent peer fails the agreement with a timeout.
 */
import { describe, expect, it } from 'vitest';
import { asBytes, MpcAbortError, MpcTimeoutError } from '../../agents/privacy/mpc/link.js';
import { createMemoryLinks } from '../../agents/privacy/mpc/memory.js';
import { agreeOnAttempt, MAX_ATTEMPTS } from '../../agents/privacy/mpc-node/role.js';

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

  it('refuses an attempt number out of range (issue 16: 2^32 - 1 ended the computation)', async () => {
    const links = createMemoryLinks({ timeoutMs: 1_000 });
    const honest = [0, 1].map((i) => agreeOnAttempt(links[i]!, 1));
    // Node 2 announces the largest number, then follows the rules.
    for (const to of ['next', 'prev'] as const) links[2]!.send(to, asBytes(Uint32Array.of(2 ** 32 - 1)));
    for (const outcome of await Promise.allSettled(honest)) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(MpcAbortError);
    }
    const fine = createMemoryLinks({ timeoutMs: 1_000 });
    const top = MAX_ATTEMPTS + 1;
    expect(await Promise.all(fine.map((link, i) => agreeOnAttempt(link, i === 2 ? top : 1)))).toEqual([
      top,
      top,
      top,
    ]);
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
