/**
 * What every `stoa` command shares and that loads nothing heavy (commander only; viem, the ABIs and
 * the chain context are imported when a command runs, so `stoa --help` starts fast): the chain
 * options, examples in `--help`, the error type with its exit code, and the action wrapper that turns
 * any error into one line on stderr.
 */
import type { Command } from 'commander';
import { ExitCode } from '../runtime/errors.js';

/**
 * A mistake the user can fix (exit 2, `usage`) or a refusal by the world: a revert, a missing
 * deployment or contract (exit 1, `failure`), or an unreachable RPC (exit 75, `retryable`).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.fatal,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error (exit 2): a bad argument or option value, a missing key. */
export const usage = (message: string) => new CliError(message, ExitCode.usage);

/** Options of every command that talks to a chain. */
export type ChainOptions = {
  rpc: string;
  deployment?: string;
  keyFile?: string;
  json?: boolean;
};

export const DEFAULT_RPC = 'http://127.0.0.1:8545';

/** Adds `--rpc`, `--deployment`, `--key-file` and `--json` to `command`. */
export function chainOptions(command: Command): Command {
  return command
    .option('--rpc <url>', 'JSON-RPC endpoint (env STOA_RPC_URL)', process.env.STOA_RPC_URL || DEFAULT_RPC)
    .option('--deployment <file>', 'deployment file (default: deployments/<chainId>.json of the RPC chain)')
    .option(
      '--key-file <file>',
      'file holding the signing key (hex); default: env STOA_PRIVATE_KEY (never a key on the command line)',
    )
    .option('--json', 'print one JSON document on stdout (for scripts)');
}

/** Appends an "Examples:" section to `command`'s help. */
export function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`);
}

/** The full name of `command`, e.g. `stoa token transfer`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Wraps a command's action: `run` receives the parsed arguments, its options merged with the
 * chain options and the command; any error ends the process with one line on stderr
 * (`stoa token transfer: refused: ReceiverNotRegistered(0x…)`) and its exit code.
 */
export function action<A extends unknown[], O extends object>(
  run: (args: A, options: O & ChainOptions, command: Command) => Promise<void>,
) {
  return async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    const args = params.slice(0, -2) as A;
    const options = command.optsWithGlobals() as O & ChainOptions;
    try {
      await run(args, options, command);
    } catch (error) {
      const { describeError } = await import('./errors.js');
      const { message, exitCode } = describeError(error);
      process.stderr.write(`${commandPath(command)}: ${message}\n`);
      process.exit(exitCode);
    }
  };
}
