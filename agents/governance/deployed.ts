/**
 * Whether the Governance contract exists at a block: sweeps read state at the safe block, which
 * right after a deployment may still be before it (a local stack that has not mined since). They
 * skip such a run instead of failing it.
 */
import type { Address } from 'viem';
import type { RoleContext } from '../runtime/index.js';

export async function deployedAt(ctx: RoleContext<unknown>, blockNumber: bigint): Promise<boolean> {
  const code = await ctx.chain.client.getCode({ address: ctx.contracts.governance! as Address, blockNumber });
  if (code !== undefined && code !== '0x') return true;
  ctx.logger.debug(
    { block_number: blockNumber.toString() },
    'governance not deployed at the safe block yet; sweep skipped',
  );
  return false;
}
