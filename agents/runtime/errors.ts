/**
 * Errors of the runtime, split like Ponder's: a retryable error means "try again later, the
 * world may change" (an RPC or Redis outage); a fatal one means "retrying cannot help" (bad
 * config, wrong chain, missing contract). The process exit code tells the two apart.
 */

/** Process exit codes of `stoa agent` (documented in README.md). */
export const ExitCode = {
  /** Stopped on request (SIGINT/SIGTERM) after a clean shutdown. */
  ok: 0,
  /** Fatal: bad config, wrong chain id, missing contract, deep reorg; restarting will not help. */
  fatal: 1,
  /** Command-line usage error (unknown role or option). */
  usage: 2,
  /** Retryable: a dependency (RPC, Redis) is unreachable; a supervisor should restart later. */
  retryable: 75,
} as const;

export type StoaErrorOptions = { cause?: unknown; details?: string };

/** Base error: a short one-line message, optional details and the cause chain. */
export abstract class StoaError extends Error {
  abstract readonly retryable: boolean;
  readonly details: string | undefined;
  constructor(message: string, options: StoaErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.details = options.details;
  }
}

/** Retrying cannot help. */
export class FatalError extends StoaError {
  override name = 'FatalError';
  readonly retryable = false;
}

/** An invalid setting; the message names the field and why. */
export class ConfigError extends FatalError {
  override name = 'ConfigError';
}

/** A dependency is unavailable; the same action may succeed later. */
export class RetryableError extends StoaError {
  override name = 'RetryableError';
  readonly retryable = true;
}

/** Exit code for an error that ended the process. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof StoaError) return error.retryable ? ExitCode.retryable : ExitCode.fatal;
  return ExitCode.fatal;
}

/** The wait a rate-limited provider asked for (an HTTP `Retry-After` in seconds in the cause chain), or 0. */
export function retryAfterMs(error: unknown): number {
  for (let e = error; e instanceof Error; e = e.cause) {
    const value = (e as { headers?: { get?: (name: string) => string | null } }).headers?.get?.(
      'retry-after',
    );
    const seconds = value ? Number.parseInt(value, 10) : Number.NaN;
    if (!Number.isNaN(seconds)) return seconds * 1_000;
  }
  return 0;
}

/** The first line of an error's message, without stack trace and URL secrets (for logs and stderr). */
export function shortMessage(error: unknown): string {
  if (error instanceof Error) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    const text = typeof short === 'string' ? short : error.message;
    return redactText(text.split('\n')[0]!.trim());
  }
  return redactText(String(error));
}

const URL_IN_TEXT = /\b(?:https?|wss?|rediss?):\/\/[^\s"'<>`]+/g;

/** `text` with every URL in it redacted (`redactUrl`): viem puts the RPC URL in its messages. */
export function redactText(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url));
}

/**
 * Redacts the URLs in `error` and its causes, in place (message, stack and viem's
 * `shortMessage`, `details`, `metaMessages`), and returns it: what BullMQ stores of a failed job
 * (`failedReason`, `stacktrace`) and what a log or a page shows carries no provider key.
 */
export function redactError<T>(error: T): T {
  let node: unknown = error;
  for (let depth = 0; node instanceof Error && depth < 10; depth++) {
    const fields = node as unknown as Record<string, unknown>;
    for (const name of ['message', 'stack', 'shortMessage', 'details']) {
      if (typeof fields[name] === 'string') fields[name] = redactText(fields[name] as string);
    }
    if (Array.isArray(fields.metaMessages))
      fields.metaMessages = fields.metaMessages.map((m) => (typeof m === 'string' ? redactText(m) : m));
    node = node.cause;
  }
  return error;
}

/** A URL without user name, password and (HTTP/WS) path and query, safe for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    // RPC providers put the API key in the path or the query (`/v2/<key>`, `?apikey=`).
    const keyed = /^(https?|wss?):$/.test(parsed.protocol) && (parsed.pathname.length > 1 || parsed.search);
    if (!parsed.username && !parsed.password && !keyed) return url;
    parsed.username = '';
    parsed.password = '';
    if (keyed) {
      parsed.pathname = '/***';
      parsed.search = '';
    }
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
