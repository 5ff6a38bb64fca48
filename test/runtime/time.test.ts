/** Shutdown waits: a step counts as done when it settles either way, and never blocks past its bound. */
import { describe, expect, it } from 'vitest';
import { settlesWithin } from '../../agents/runtime/time.js';

describe('settlesWithin', () => {
  it('is true for work that resolves or rejects in time, false for work that never settles', async () => {
    expect(await settlesWithin(new Promise((r) => setTimeout(r, 5)), 1_000)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('closed with an error')), 1_000)).toBe(true);
    expect(await settlesWithin(new Promise(() => {}), 50)).toBe(false);
  });
});
