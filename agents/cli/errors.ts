/**
 * Reverts decoded into the contract's custom error with its arguments (`ReceiverNotRegistered(0xabc…)`),
 * shared by the CLI and the demo scenario, and the one-line message and exit code of any error.
 */
import {
  type Abi,
  BaseError,
  ContractFunctionRevertedError,
  HttpRequestError,
  TimeoutError,
  toFunctionSelector,
} from 'viem';
import {
  accessManagerAbi,
  basketAbi,
  basketFactoryAbi,
  executorAbi,
  governanceAbi,
  identityRegistryAbi,
  mpcCommitteeAbi,
  neuronsAbi,
  oracleAbi,
  oraclePriceFeedAbi,
  reputationAbi,
  securityTokenAbi,
} from '../generated/abis.js';
import { ExitCode, redactUrl, shortMessage } from '../runtime/errors.js';
import { CliError } from './options.js';

type AbiError = Extract<Abi[number], { type: 'error' }>;

/** Every custom error of the platform's contracts, once each: a call through one contract may
 * revert with another's error (governance moving the stake token, a basket pulling a component). */
export const platformErrors: readonly AbiError[] = (() => {
  const seen = new Map<string, AbiError>();
  for (const abi of [
    securityTokenAbi,
    identityRegistryAbi,
    accessManagerAbi,
    governanceAbi,
    neuronsAbi,
    executorAbi,
    oracleAbi,
    oraclePriceFeedAbi,
    reputationAbi,
    basketAbi,
    basketFactoryAbi,
    mpcCommitteeAbi,
  ] as readonly Abi[]) {
    for (const item of abi) {
      if (item.type !== 'error') continue;
      const signature = toFunctionSelector(`${item.name}(${item.inputs.map((i) => i.type).join(',')})`);
      if (!seen.has(signature)) seen.set(signature, item);
    }
  }
  return [...seen.values()];
})();

export type Revert = { name: string; args: readonly unknown[]; text: string };

function formatArg(value: unknown, nameOf: (value: string) => string): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return nameOf(value);
  if (Array.isArray(value)) return `[${value.map((v) => formatArg(v, nameOf)).join(', ')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${formatArg(v, nameOf)}`)
      .join(', ')}}`;
  return String(value);
}

/**
 * The custom error (or reason string) a simulation or call reverted with, e.g.
 * `{ name: 'ReceiverNotRegistered', text: 'ReceiverNotRegistered(0xabc…)' }`; null if `error` is
 * not a revert. `nameOf` may replace addresses by names in `text`.
 */
export function decodeRevert(error: unknown, nameOf: (value: string) => string = (v) => v): Revert | null {
  const reverted =
    error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
  if (!(reverted instanceof ContractFunctionRevertedError)) return null;
  if (reverted.data) {
    const args = reverted.data.args ?? [];
    const text = `${reverted.data.errorName}(${args.map((a) => formatArg(a, nameOf)).join(', ')})`;
    return { name: reverted.data.errorName, args, text };
  }
  if (reverted.reason) return { name: 'Error', args: [reverted.reason], text: `Error(${reverted.reason})` };
  const signature = reverted.signature ?? 'no data';
  return { name: 'unknown', args: [], text: `an unknown error (${signature})` };
}

/** One line and an exit code for any error a command throws. */
export function describeError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  const revert = decodeRevert(error);
  if (revert) return { message: `refused: ${revert.text}`, exitCode: ExitCode.fatal };
  if (error instanceof BaseError) {
    const http = error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError);
    if (http instanceof HttpRequestError)
      return { message: `rpc unreachable at ${redactUrl(http.url)}`, exitCode: ExitCode.retryable };
    if (http) return { message: `rpc timed out: ${shortMessage(http)}`, exitCode: ExitCode.retryable };
  }
  return { message: shortMessage(error), exitCode: ExitCode.fatal };
}
