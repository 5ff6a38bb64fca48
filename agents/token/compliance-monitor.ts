/**
 * Compliance monitor: the token's first agent. It follows the security token's events through the
 * runtime's queue and keeps, in Redis, an off-chain cap table (each wallet's balance as of the
 * newest block seen) and a log of compliance alerts: agent actions (forced transfers, recoveries,
 * freezes), pauses, and the holder count nearing the max-holders limit. It sends no transaction.
 *
 * Every write is idempotent, so a job retried after a crash or replayed after a reorg changes
 * nothing: balances are read from the chain at the event's block and only replace an older
 * reading; alerts and counts are keyed by the job id.
 */
import type { Redis } from 'ioredis';
import type { Address } from 'viem';
import { z } from 'zod';
import { securityTokenAbi } from '../generated/abis.js';
import { defineRole, type RoleContext } from '../runtime/index.js';

const settings = z.strictObject({
  /** Alert when the holder count reaches this percentage of the max-holders limit. */
  holder_alert_percent: z.number().int().min(1).max(100).default(90),
});
type Settings = z.infer<typeof settings>;

export const MONITORED_EVENTS = [
  'Transfer',
  'TransferForced',
  'RecoverySuccess',
  'AddressFrozen',
  'TokensFrozen',
  'TokensUnfrozen',
  'Paused',
  'Unpaused',
  'DocumentUpdated',
] as const;

/** Redis keys of the monitor's state for one token (under the agent's key prefix). */
export function monitorKeys(prefix: string, token: Address) {
  const base = `${prefix}:compliance-monitor:${token.toLowerCase()}`;
  return {
    balances: `${base}:balances`,
    alerts: `${base}:alerts`,
    counts: `${base}:counts`,
    seen: `${base}:seen`,
  };
}

// KEYS: balances. ARGV: wallet, block, balance. Replaces the reading only with a newer block's.
const SET_BALANCE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and tonumber(string.match(current, '^(%d+):')) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
return 1`;

// KEYS: seen, counts. ARGV: job id, event name. Counts each job once.
const COUNT_ONCE = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('HINCRBY', KEYS[2], ARGV[2], 1) end
return 1`;

type Alert = { kind: string; block: string; detail: string };

async function alert(
  ctx: RoleContext<Settings>,
  keys: ReturnType<typeof monitorKeys>,
  jobId: string,
  a: Alert,
) {
  await ctx.redis.hset(keys.alerts, jobId, JSON.stringify(a));
  ctx.logger.warn({ alert: a.kind, block_number: a.block, detail: a.detail }, 'compliance alert');
}

async function recordBalance(
  ctx: RoleContext,
  token: Address,
  keys: ReturnType<typeof monitorKeys>,
  wallet: Address,
  block: bigint,
) {
  if (/^0x0{40}$/.test(wallet)) return;
  const balance = await ctx.chain.client.readContract({
    address: token,
    abi: securityTokenAbi,
    functionName: 'balanceOf',
    args: [wallet],
    blockNumber: block,
  });
  await ctx.redis.eval(SET_BALANCE, 1, keys.balances, wallet, block.toString(), balance.toString());
}

export const complianceMonitor = defineRole({
  name: 'compliance-monitor',
  description: 'keeps an off-chain cap table of the security token and alerts on agent actions and limits',
  config: settings,
  abi: securityTokenAbi,
  events: MONITORED_EVENTS,
  contracts: ['securityToken'],
  handle: async (event, ctx) => {
    const token = event.address;
    const keys = monitorKeys(ctx.key, token);
    const block = event.block_number.toString();
    switch (event.eventName) {
      case 'Transfer': {
        await recordBalance(ctx, token, keys, event.args.from, event.block_number);
        await recordBalance(ctx, token, keys, event.args.to, event.block_number);
        const config = await ctx.chain.client.readContract({
          address: token,
          abi: securityTokenAbi,
          functionName: 'complianceConfig',
          blockNumber: event.block_number,
        });
        const limit = config.maxHolders;
        if (limit > 0 && config.holderCount * 100 >= limit * ctx.config.holder_alert_percent) {
          await alert(ctx, keys, event.job_id, {
            kind: 'holders-near-limit',
            block,
            detail: `${config.holderCount} of ${limit} holders`,
          });
        }
        break;
      }
      case 'TransferForced':
        await alert(ctx, keys, event.job_id, {
          kind: 'forced-transfer',
          block,
          detail: `${event.args.amount} from ${event.args.from} to ${event.args.to}`,
        });
        break;
      case 'RecoverySuccess':
        await alert(ctx, keys, event.job_id, {
          kind: 'recovery',
          block,
          detail: `identity ${event.args.identity}: ${event.args.lostWallet} -> ${event.args.newWallet}`,
        });
        break;
      case 'AddressFrozen':
        await alert(ctx, keys, event.job_id, {
          kind: event.args.isFrozen ? 'wallet-frozen' : 'wallet-unfrozen',
          block,
          detail: `${event.args.wallet}`,
        });
        break;
      case 'TokensFrozen':
      case 'TokensUnfrozen':
        await alert(ctx, keys, event.job_id, {
          kind: event.eventName === 'TokensFrozen' ? 'tokens-frozen' : 'tokens-unfrozen',
          block,
          detail: `${event.args.amount} of ${event.args.wallet}`,
        });
        break;
      case 'Paused':
      case 'Unpaused':
        await alert(ctx, keys, event.job_id, {
          kind: event.eventName.toLowerCase(),
          block,
          detail: `by ${event.args.account}`,
        });
        break;
      default:
        break;
    }
    await ctx.redis.eval(COUNT_ONCE, 2, keys.seen, keys.counts, event.job_id, event.eventName ?? 'unknown');
  },
});

export type ComplianceReport = {
  events: Record<string, number>;
  balances: Record<string, { block: bigint; balance: bigint }>;
  alerts: Alert[];
};

/** What the monitor has recorded for `token` (for the CLI, the dashboard and the demo's summary). */
export async function readComplianceReport(
  redis: Redis,
  prefix: string,
  token: Address,
): Promise<ComplianceReport> {
  const keys = monitorKeys(prefix, token);
  const [counts, balances, alerts] = await Promise.all([
    redis.hgetall(keys.counts),
    redis.hgetall(keys.balances),
    redis.hvals(keys.alerts),
  ]);
  return {
    events: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])),
    balances: Object.fromEntries(
      Object.entries(balances).map(([wallet, value]) => {
        const [block, balance] = value.split(':');
        return [wallet, { block: BigInt(block!), balance: BigInt(balance!) }];
      }),
    ),
    alerts: alerts
      .map((a) => JSON.parse(a) as Alert)
      .sort((a, b) => Number(BigInt(a.block) - BigInt(b.block))),
  };
}
