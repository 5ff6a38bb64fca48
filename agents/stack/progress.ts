/**
 * A task list for long work: each step prints when it starts and how it ended (with its time),
 * and a summary at the end. Steps run in order; a failed step is recorded and the error's
 * one-line message shown (never a stack trace), so the caller decides whether to go on.
 */
export type StepResult = { title: string; ok: boolean; ms: number; detail?: string };

export type Progress = {
  /** Runs `fn` as one step; its returned string (if any) is shown as the step's detail. */
  step: (title: string, fn: () => Promise<string | undefined>) => Promise<boolean>;
  /** A line of information under the current step. */
  info: (line: string) => void;
  results: StepResult[];
  ok: () => boolean;
  summary: () => string;
};

export function createProgress(args: { write?: (s: string) => void; color?: boolean } = {}): Progress {
  const write = args.write ?? ((s: string) => process.stdout.write(s));
  const color = args.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  const paint = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const results: StepResult[] = [];

  return {
    results,
    async step(title, fn) {
      const n = results.length + 1;
      write(`${paint(36, `[${n}]`)} ${title} ...\n`);
      const start = performance.now();
      try {
        const detail = (await fn()) ?? undefined;
        const ms = performance.now() - start;
        results.push({ title, ok: true, ms, ...(detail ? { detail } : {}) });
        write(`    ${paint(32, 'ok')} ${detail ?? ''} ${paint(90, `(${(ms / 1000).toFixed(1)} s)`)}\n`);
        return true;
      } catch (err) {
        const ms = performance.now() - start;
        const detail = oneLine(err);
        results.push({ title, ok: false, ms, detail });
        write(`    ${paint(31, 'FAILED')} ${detail}\n`);
        return false;
      }
    },
    info(line) {
      write(`    ${paint(90, line)}\n`);
    },
    ok: () => results.every((r) => r.ok),
    summary() {
      const failed = results.filter((r) => !r.ok);
      const head = `${results.length - failed.length}/${results.length} steps ok`;
      return failed.length === 0 ? head : `${head}; failed: ${failed.map((r) => r.title).join(', ')}`;
    },
  };
}

/** The first line of an error's message, for users (no stack). */
export function oneLine(err: unknown): string {
  const message =
    err instanceof Error ? ('shortMessage' in err && String(err.shortMessage)) || err.message : String(err);
  return message.split('\n')[0]!.trim();
}
