/**
 * `stoa token mint|transfer|freeze|force|recover|doc|balance|system-holder`: the share token's actions. Amounts
 * are decimals in the token's units; a refused action prints the token's custom error.
 */
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import {
  type Address,
  formatUnits,
  type Hex,
  hexToString,
  isAddress,
  keccak256,
  stringToHex,
  toBytes,
} from 'viem';
import { securityTokenAbi } from '../../generated/abis.js';
import { type CliContext, createCliContext, parseAddress } from '../context.js';
import { action, type ChainOptions, chainOptions, examples, usage } from '../options.js';

/** The token acted on: `--token` (any share token of the deployment, e.g. a basket component) or the
 * deployment's `securityToken`. */
const tokenOf = (ctx: CliContext, options: ChainOptions & { token?: string }) =>
  ({
    address: options.token ? parseAddress(options.token, '--token') : ctx.contract('securityToken'),
    abi: securityTokenAbi,
  }) as const;

async function show(ctx: CliContext, token: Address, amount: bigint) {
  return `${formatUnits(amount, await ctx.decimalsOf(token))}`;
}

/** A document name as bytes32 (at most 32 bytes of UTF-8). */
function documentName(name: string): Hex {
  if (toBytes(name).length > 32) throw usage(`document name longer than 32 bytes: ${name}`);
  return stringToHex(name, { size: 32 });
}

export function register(program: Command): void {
  const token = program
    .command('token')
    .description('security token actions (issuer, agent and holder)')
    .option(
      '--token <address>',
      "the share token to act on (default: the deployment's securityToken)",
      (value: string) => {
        // Checked while parsing, so a bad address is reported before any RPC call.
        if (!isAddress(value, { strict: false }))
          throw new InvalidArgumentError('not an address (0x + 40 hex digits)');
        return value;
      },
    );

  const mint = chainOptions(
    token.command('mint').description('issue new shares to a verified wallet (issuer role)'),
  )
    .argument('<to>', 'receiving wallet')
    .argument('<amount>', "amount, in the token's units (decimals allowed up to its precision)")
    .action(
      action<[string, string], object>(async ([toText, amountText], options) => {
        const to = parseAddress(toText, 'to');
        const ctx = await createCliContext(options);
        const t = tokenOf(ctx, options);
        const amount = await ctx.amount(t.address, amountText);
        const { hash } = await ctx.send({ ...t, functionName: 'mint', args: [to, amount] });
        const balance = await ctx.client.readContract({ ...t, functionName: 'balanceOf', args: [to] });
        ctx.print(
          `minted ${amountText} to ${to}; balance ${await show(ctx, t.address, balance)} (tx ${hash})`,
          {
            to,
            amount,
            balance,
            transaction: hash,
          },
        );
      }),
    );
  examples(mint, ['stoa token mint 0xInvestor 500']);

  const transfer = chainOptions(
    token.command('transfer').description('transfer shares from the key holder (the compliance rules apply)'),
  )
    .argument('<to>', 'receiving wallet')
    .argument('<amount>', "amount, in the token's units")
    .action(
      action<[string, string], object>(async ([toText, amountText], options) => {
        const to = parseAddress(toText, 'to');
        const ctx = await createCliContext(options);
        const t = tokenOf(ctx, options);
        const amount = await ctx.amount(t.address, amountText);
        const { hash } = await ctx.send({ ...t, functionName: 'transfer', args: [to, amount] });
        ctx.print(`transferred ${amountText} from ${ctx.account.address} to ${to} (tx ${hash})`, {
          from: ctx.account.address,
          to,
          amount,
          transaction: hash,
        });
      }),
    );
  examples(transfer, ['stoa token transfer 0xBob 10', 'stoa token transfer 0xBob 2.5 --json']);

  const freeze = chainOptions(
    token
      .command('freeze')
      .description('freeze a wallet, or part of its balance with --amount (agent role); --unfreeze undoes'),
  )
    .argument('<wallet>', 'the wallet')
    .option('--amount <amount>', 'freeze (or unfreeze) only this many shares')
    .option('--unfreeze', 'unfreeze instead')
    .action(
      action<[string], { amount?: string; unfreeze?: boolean }>(async ([walletText], options) => {
        const wallet = parseAddress(walletText, 'wallet');
        const ctx = await createCliContext(options);
        const t = tokenOf(ctx, options);
        let hash: Hex;
        if (options.amount !== undefined) {
          const amount = await ctx.amount(t.address, options.amount, '--amount');
          ({ hash } = await ctx.send({
            ...t,
            functionName: options.unfreeze ? 'unfreezePartialTokens' : 'freezePartialTokens',
            args: [wallet, amount],
          }));
        } else {
          ({ hash } = await ctx.send({
            ...t,
            functionName: 'setAddressFrozen',
            args: [wallet, !options.unfreeze],
          }));
        }
        const [frozen, partial] = await Promise.all([
          ctx.client.readContract({ ...t, functionName: 'isFrozen', args: [wallet] }),
          ctx.client.readContract({ ...t, functionName: 'getFrozenTokens', args: [wallet] }),
        ]);
        ctx.print(
          `${wallet}: ${frozen ? 'frozen' : 'not frozen'}, ${await show(ctx, t.address, partial)} shares frozen (tx ${hash})`,
          { wallet, frozen, frozenTokens: partial, transaction: hash },
        );
      }),
    );
  examples(freeze, [
    'stoa token freeze 0xMallory',
    'stoa token freeze 0xBob --amount 50',
    'stoa token freeze 0xBob --amount 50 --unfreeze',
  ]);

  const force = chainOptions(
    token.command('force').description('forced transfer between wallets, bypassing freezes (agent role)'),
  )
    .argument('<from>', 'source wallet')
    .argument('<to>', 'receiving wallet (must be eligible)')
    .argument('<amount>', "amount, in the token's units")
    .action(
      action<[string, string, string], object>(async ([fromText, toText, amountText], options) => {
        const from = parseAddress(fromText, 'from');
        const to = parseAddress(toText, 'to');
        const ctx = await createCliContext(options);
        const t = tokenOf(ctx, options);
        const amount = await ctx.amount(t.address, amountText);
        const { hash } = await ctx.send({ ...t, functionName: 'forcedTransfer', args: [from, to, amount] });
        ctx.print(`forced transfer of ${amountText} from ${from} to ${to} (tx ${hash})`, {
          from,
          to,
          amount,
          transaction: hash,
        });
      }),
    );
  examples(force, ['stoa token force 0xMallory 0xTreasury 100']);

  const recover = chainOptions(
    token
      .command('recover')
      .description(
        'move a lost wallet’s shares, freezes and lockups to a new wallet of the same identity (agent role)',
      ),
  )
    .argument('<lost>', 'the lost wallet')
    .argument('<new>', 'the new wallet (attested for the same identity)')
    .action(
      action<[string, string], object>(async ([lostText, newText], options) => {
        const lost = parseAddress(lostText, 'lost');
        const next = parseAddress(newText, 'new');
        const ctx = await createCliContext(options);
        const t = tokenOf(ctx, options);
        const { hash } = await ctx.send({ ...t, functionName: 'recoveryAddress', args: [lost, next] });
        const balance = await ctx.client.readContract({ ...t, functionName: 'balanceOf', args: [next] });
        ctx.print(
          `recovered ${lost} to ${next}: balance ${await show(ctx, t.address, balance)} (tx ${hash})`,
          {
            lost,
            wallet: next,
            balance,
            transaction: hash,
          },
        );
      }),
    );
  examples(recover, ['stoa token recover 0xLostWallet 0xNewWallet']);

  const doc = chainOptions(
    token
      .command('doc')
      .description(
        'show a document (ERC-1643) with its history, or set it when <uri> is given (issuer role)',
      ),
  )
    .argument('<name>', 'document name (up to 32 bytes), e.g. prospectus')
    .argument('[uri]', 'new URI of the document')
    .option('--file <path>', 'content hash from this file (keccak256 of its bytes)')
    .option('--hash <bytes32>', 'content hash (default: keccak256 of the URI)')
    .option('--remove', 'remove the document')
    .action(
      action<[string, string | undefined], { file?: string; hash?: string; remove?: boolean }>(
        async ([name, uri], options) => {
          const key = documentName(name);
          let contentHash: Hex | undefined;
          if (options.hash !== undefined) {
            if (!/^0x[0-9a-fA-F]{64}$/.test(options.hash))
              throw usage(`--hash: not 32 bytes of hex: ${options.hash}`);
            contentHash = options.hash as Hex;
          } else if (options.file !== undefined) {
            try {
              contentHash = keccak256(readFileSync(options.file));
            } catch {
              throw usage(`--file: cannot read ${options.file}`);
            }
          }
          const ctx = await createCliContext(options);
          const t = tokenOf(ctx, options);
          let hash: Hex | undefined;
          if (options.remove)
            ({ hash } = await ctx.send({ ...t, functionName: 'removeDocument', args: [key] }));
          else if (uri !== undefined)
            ({ hash } = await ctx.send({
              ...t,
              functionName: 'setDocument',
              args: [key, uri, contentHash ?? keccak256(toBytes(uri))],
            }));
          const history = await ctx.client.readContract({
            ...t,
            functionName: 'getDocumentHistory',
            args: [key],
          });
          const versions = history.map((d) => ({
            uri: d.uri,
            hash: d.documentHash,
            timestamp: Number(d.timestamp),
          }));
          const label = hexToString(key, { size: 32 });
          ctx.print(
            [
              hash
                ? `document ${label} ${options.remove ? 'removed' : 'set'} (tx ${hash})`
                : `document ${label}`,
              ...versions.map(
                (v, i) => `  v${i + 1} ${new Date(v.timestamp * 1000).toISOString()} ${v.uri} ${v.hash}`,
              ),
            ],
            { name: label, history: versions, transaction: hash ?? null },
          );
        },
      ),
    );
  examples(doc, [
    'stoa token doc prospectus',
    'stoa token doc prospectus ipfs://bafy.../prospectus-2026.pdf --file prospectus-2026.pdf',
  ]);

  const balance = chainOptions(
    token.command('balance').description('balance, frozen shares and eligibility of a wallet'),
  )
    .argument('<wallet>', 'the wallet')
    .action(
      action<[string], object>(async ([walletText], options) => {
        const wallet = parseAddress(walletText, 'wallet');
        const ctx = await createCliContext(options);
        const t = tokenOf(ctx, options);
        const [amount, frozenTokens, frozen, verified] = await Promise.all([
          ctx.client.readContract({ ...t, functionName: 'balanceOf', args: [wallet] }),
          ctx.client.readContract({ ...t, functionName: 'getFrozenTokens', args: [wallet] }),
          ctx.client.readContract({ ...t, functionName: 'isFrozen', args: [wallet] }),
          ctx.client.readContract({ ...t, functionName: 'isVerified', args: [wallet] }),
        ]);
        const decimals = await ctx.decimalsOf(t.address);
        ctx.print(
          `${wallet}: ${formatUnits(amount, decimals)} shares (${formatUnits(frozenTokens, decimals)} frozen)${frozen ? ', wallet frozen' : ''}, ${verified ? 'verified' : 'not verified'}`,
          {
            wallet,
            balance: formatUnits(amount, decimals),
            frozenTokens: formatUnits(frozenTokens, decimals),
            frozen,
            verified,
          },
        );
      }),
    );
  examples(balance, ['stoa token balance 0xAlice --json']);

  const systemHolder = chainOptions(
    token
      .command('system-holder')
      .description(
        'register a platform contract (a basket, an escrow) as a holder without an identity (compliance role)',
      ),
  )
    .argument('<account>', 'the contract')
    .option('--remove', 'unregister it instead')
    .action(
      action<[string], { remove?: boolean }>(async ([accountText], options) => {
        const account = parseAddress(accountText, 'account');
        const ctx = await createCliContext(options);
        const t = tokenOf(ctx, options);
        const registered = !options.remove;
        const { hash } = await ctx.send({
          ...t,
          functionName: 'setSystemHolder',
          args: [account, registered],
        });
        ctx.print(
          `${account} ${registered ? 'registered as' : 'removed from'} system holder of ${t.address} (tx ${hash})`,
          {
            token: t.address,
            account,
            registered,
            transaction: hash,
          },
        );
      }),
    );
  examples(systemHolder, [
    'stoa token system-holder 0xBasket --token 0xShareToken',
    'stoa token system-holder 0xBasket --remove',
  ]);
}
