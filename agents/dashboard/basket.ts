/**
 * The baskets page's data: every basket of the factory (`baskets()`), its composition (component,
 * effective unit, usable and required collateral), supply, status, its history (issue, redeem,
 * rebalance, fee, impairment events) and its NAV per token over time: `navPerToken` read at each
 * block where the basket changed, and now (at most `maxNavPoints`, the most recent).
 */
import { type Address, erc20Abi, formatUnits } from 'viem';
import { BasketStatus } from '../basket/keeper.js';
import { basketAbi, basketFactoryAbi } from '../generated/abis.js';
import { enumLabels } from '../runtime/enums.js';
import { attempt, type PageContext } from './context.js';

const STATUS = enumLabels(BasketStatus);
/** NAV is in the price feed's unit: 18-decimal numbers. */
const NAV_DECIMALS = 18;

export type ComponentRow = {
  token: Address;
  symbol: string;
  unit: string;
  usable: string;
  required: string;
};
export type NavPoint = { block: bigint; time: number; nav: number };
export type BasketEventRow = { block: bigint; event: string; detail: string };
export type BasketRow = {
  address: Address;
  name: string;
  symbol: string;
  status: string;
  supply: string;
  nav?: string;
  components: ComponentRow[];
  navHistory: NavPoint[];
  history: BasketEventRow[];
};
export type BasketData = { deployed: false } | { deployed: true; factory: Address; baskets: BasketRow[] };

export async function loadBaskets(ctx: PageContext, maxNavPoints = 60): Promise<BasketData> {
  const factory = ctx.deployment.basketFactory;
  if (!factory) return { deployed: false };
  const addresses = await ctx.client.readContract({
    address: factory,
    abi: basketFactoryAbi,
    functionName: 'baskets',
  });
  const tokens: TokenInfo = new Map();
  const baskets = await Promise.all(
    addresses.map((address) => loadBasket(ctx, tokens, address, maxNavPoints)),
  );
  return { deployed: true, factory, baskets };
}

type TokenInfo = Map<string, Promise<{ symbol: string; decimals: number }>>;
function infoOf(ctx: PageContext, tokenInfo: TokenInfo, token: Address) {
  let info = tokenInfo.get(token);
  if (!info) {
    info = Promise.all([
      attempt(() => ctx.client.readContract({ address: token, abi: erc20Abi, functionName: 'symbol' })),
      attempt(() => ctx.client.readContract({ address: token, abi: erc20Abi, functionName: 'decimals' })),
    ]).then(([symbol, decimals]) => ({ symbol: symbol ?? ctx.nameOf(token), decimals: decimals ?? 18 }));
    tokenInfo.set(token, info);
  }
  return info;
}

async function loadBasket(
  ctx: PageContext,
  tokens: TokenInfo,
  address: Address,
  maxNavPoints: number,
): Promise<BasketRow> {
  const read = <
    const fn extends
      | 'name'
      | 'symbol'
      | 'status'
      | 'totalSupply'
      | 'components'
      | 'positionMultiplier'
      | 'naturalUnit'
      | 'collateral',
  >(
    functionName: fn,
  ) => ctx.client.readContract({ address, abi: basketAbi, functionName });
  const [name, symbol, status, supply, components, multiplier, naturalUnit, collateral, nav, events] =
    await Promise.all([
      read('name'),
      read('symbol'),
      read('status'),
      read('totalSupply'),
      read('components'),
      read('positionMultiplier'),
      read('naturalUnit'),
      attempt(() => read('collateral')),
      attempt(() => ctx.client.readContract({ address, abi: basketAbi, functionName: 'navPerToken' })),
      ctx.index.events(basketAbi, address),
    ]);
  const rows = await Promise.all(
    components.map(async (c, i) => {
      const { symbol: sym, decimals } = await infoOf(ctx, tokens, c.token);
      const fmt = (x: bigint | undefined) => (x === undefined ? '?' : formatUnits(x, decimals));
      return {
        token: c.token,
        symbol: sym,
        // Per basket token (1e18 base units), the fee multiplier applied, without rounding.
        unit: formatUnits((BigInt(c.unit) * multiplier * 10n ** 18n) / naturalUnit, decimals + 18),
        usable: fmt(collateral?.[0][i]),
        required: fmt(collateral?.[1][i]),
      };
    }),
  );
  const symbols = new Map(rows.map((r) => [r.token.toLowerCase(), r.symbol]));
  const history: BasketEventRow[] = [];
  const bsk = (x: bigint) => formatUnits(x, 18);
  for (const e of events) {
    let detail: string | undefined;
    switch (e.eventName) {
      case 'Issued':
        detail = `${bsk(e.args.quantity)} ${symbol} to ${ctx.nameOf(e.args.to)}`;
        break;
      case 'Redeemed':
        detail = `${bsk(e.args.quantity)} ${symbol} by ${ctx.nameOf(e.args.holder)}`;
        break;
      case 'RebalanceStarted':
        detail = `quote ${symbols.get(e.args.quote.toLowerCase()) ?? ctx.nameOf(e.args.quote)}, ${e.args.targets.length} targets`;
        break;
      case 'AuctionBid':
        detail = `${ctx.nameOf(e.args.bidder)} ${e.args.sell ? 'bought' : 'sold'} ${symbols.get(e.args.component.toLowerCase()) ?? ctx.nameOf(e.args.component)}`;
        break;
      case 'RebalanceEnded':
        detail = e.args.completed ? 'completed' : 'cut short';
        break;
      case 'FeeAccrued':
        detail = `${bsk(e.args.minted)} ${symbol} to ${ctx.nameOf(e.args.recipient)}`;
        break;
      case 'ComponentImpaired':
        detail = `${symbols.get(e.args.component.toLowerCase()) ?? ctx.nameOf(e.args.component)} unit cut`;
        break;
      case 'IssuanceHalted':
      case 'IssuanceResumed':
        detail = '';
        break;
    }
    if (detail !== undefined) history.push({ block: e.blockNumber, event: e.eventName, detail });
  }
  const blocks = [...new Set([...events.map((e) => e.blockNumber), ctx.index.head()])].slice(-maxNavPoints);
  const navHistory = (
    await Promise.all(
      blocks.map(async (blockNumber) => {
        const [value, block] = await Promise.all([
          attempt(() =>
            ctx.client.readContract({ address, abi: basketAbi, functionName: 'navPerToken', blockNumber }),
          ),
          ctx.client.getBlock({ blockNumber }),
        ]);
        return value
          ? {
              block: blockNumber,
              time: Number(block.timestamp),
              nav: Number(formatUnits(value[0], NAV_DECIMALS)),
            }
          : undefined;
      }),
    )
  ).filter((p): p is NavPoint => p !== undefined);
  return {
    address,
    name,
    symbol,
    status: STATUS[status] ?? String(status),
    supply: bsk(supply),
    nav: nav ? formatUnits(nav[0], NAV_DECIMALS) : undefined,
    components: rows,
    navHistory,
    history,
  };
}
