/** Sending and refusing transactions in scenario steps, with the contract's custom errors decoded. */
import type { Abi, ContractFunctionArgs, ContractFunctionName, Hash } from 'viem';
import { decodeRevert } from '../../cli/errors.js';
import { withGasMargin } from '../../runtime/sender.js';
import type { Person, ScenarioContext } from './context.js';

type Call<TAbi extends Abi, TName extends ContractFunctionName<TAbi, 'nonpayable' | 'payable'>> = {
  abi: TAbi;
  address: `0x${string}`;
  functionName: TName;
  args: ContractFunctionArgs<TAbi, 'nonpayable' | 'payable', TName>;
};

/** Simulates, sends and waits for `call` from `who`; throws with the decoded error if it reverts. */
export async function send<
  TAbi extends Abi,
  TName extends ContractFunctionName<TAbi, 'nonpayable' | 'payable'>,
>(ctx: ScenarioContext, who: Person, call: Call<TAbi, TName>): Promise<Hash> {
  const account = ctx.accounts[who];
  // biome-ignore lint/suspicious/noExplicitAny: viem's generic simulate/write parameters do not narrow here
  const { request } = await ctx.client.simulateContract({ ...(call as any), account });
  // State moves between estimate and inclusion (agents send too, governance catches up epoch
  // boundaries as time passes), which costs more gas.
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const gas = await ctx.client.estimateContractGas({ ...(call as any), account });
  const hash = await ctx.wallet(who).writeContract({ ...request, gas: withGasMargin(gas) });
  const receipt = await ctx.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${String(call.functionName)} reverted in ${hash}`);
  return hash;
}

/** The custom error `call` from `who` reverts with, e.g. `ReceiverNotRegistered(0xabc…)`; throws if it succeeds. */
export async function refusal<
  TAbi extends Abi,
  TName extends ContractFunctionName<TAbi, 'nonpayable' | 'payable'>,
>(ctx: ScenarioContext, who: Person, call: Call<TAbi, TName>): Promise<{ name: string; text: string }> {
  try {
    // biome-ignore lint/suspicious/noExplicitAny: as in `send`
    await ctx.client.simulateContract({ ...(call as any), account: ctx.accounts[who] });
  } catch (err) {
    const revert = decodeRevert(err, ctx.nameOf);
    if (revert && revert.name !== 'unknown') return { name: revert.name, text: revert.text };
    throw err;
  }
  throw new Error(`${String(call.functionName)} was expected to be refused but would succeed`);
}

/** Throws unless `actual` equals `expected`, naming what was checked. */
export function check<T>(what: string, actual: T, expected: T): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}
