/** Waiting helpers shared by the ingestor, the sender, startup checks and shutdown. */

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Exponential backoff with full jitter: attempt 0 waits up to `baseMs`, capped at `maxMs`. */
export function backoffMs({ attempt, baseMs, maxMs }: { attempt: number; baseMs: number; maxMs: number }) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** How long one step of a shutdown (closing a client, a server, a queue) may take (ms). */
export const STOP_STEP_MS = 5_000;

/**
 * Whether `work` settles (resolves or rejects) within `ms`. A shutdown must end even when a client
 * library never settles (e.g. a BullMQ close whose Redis connection is stuck reconnecting): the
 * caller logs the overrun and goes on; `work` is left behind.
 */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = work.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}
