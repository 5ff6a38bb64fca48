/**
 * The chain side of a `stoa` command: the RPC client, the deployment file, the signing key (from
 * env `STOA_PRIVATE_KEY` or `--key-file`, never the command line, never printed), sending with a
 * simulation first (a revert becomes `refused: <CustomError>(args)`), allowances, and the output
 * (human lines, or one JSON document with `--json`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type Abi,
  type Address,
  type Chain,
  type ContractFunctionArgs,
  type ContractFunctionName,
  createPublicClient,
  createWalletClient,
  erc20Abi,
  getAddress,
  type Hash,
  type Hex,
  http,
  isAddress,
  type PublicClient,
  parseUnits,
  type TransactionReceipt,
} from 'viem';
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts';
import { readKeyFile } from '../runtime/config.js';
import { createEventReader, defaultRange } from '../runtime/events.js';
import { withGasMargin } from '../runtime/sender.js';
import { repoRoot } from '../stack/deploy.js';
import { platformErrors } from './errors.js';
import { type ChainOptions, CliError, usage } from './options.js';

export type Call<TAbi extends Abi, TName extends ContractFunctionName<TAbi, 'nonpayable' | 'payable'>> = {
  abi: TAbi;
  address: Address;
  functionName: TName;
  args: ContractFunctionArgs<TAbi, 'nonpayable' | 'payable', TName>;
};

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** Deployment keys and what deploys them, for clear errors when one is missing. */
const DEPLOYED_BY: Record<string, string> = {
  basketFactory: 'the basket layer of script/Deploy.s.sol',
  mpcCommittee: 'the privacy layer of script/Deploy.s.sol',
};

export type CliContext = Awaited<ReturnType<typeof createCliContext>>;

/** The context of one command run; the chain id, deployment and key are read when first needed. */
export async function createCliContext(options: ChainOptions) {
  let url: URL;
  try {
    url = new URL(options.rpc);
  } catch {
    throw usage(`--rpc: not a URL: ${options.rpc}`);
  }
  const transport = http(url.toString(), { retryCount: 0, timeout: 20_000 });
  const probe = createPublicClient({ transport });
  const chainId = await probe.getChainId();
  // Not from viem/chains: that module holds every chain and slows the start-up.
  const chain: Chain = {
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url.toString()] } },
  };
  const client = createPublicClient({ chain, transport, pollingInterval: 200 }) as PublicClient;
  const deploymentFile = resolve(options.deployment ?? `${repoRoot}/deployments/${chainId}.json`);
  let deployment: Record<string, unknown> | undefined;
  let account: LocalAccount | undefined;
  const decimals = new Map<Address, number>();

  let key: Hex | undefined;
  /** The signing key, read once: a key file only if no one else may read it, the variable then dropped. */
  const readKey = (): Hex => {
    if (key) return key;
    let raw: string | undefined;
    let source: string;
    if (options.keyFile) {
      source = `--key-file ${options.keyFile}`;
      raw = readKeyFile(options.keyFile, (message) => usage(`${source}: ${message}`));
    } else {
      source = 'STOA_PRIVATE_KEY';
      raw = process.env.STOA_PRIVATE_KEY?.trim();
      if (!raw) throw usage('no signing key: set STOA_PRIVATE_KEY or pass --key-file <file>');
      // Child processes (forge) inherit the environment, and Node's diagnostic report prints it.
      delete process.env.STOA_PRIVATE_KEY;
    }
    const prefixed = raw.startsWith('0x') ? raw : `0x${raw}`;
    if (!/^0x[0-9a-fA-F]{64}$/.test(prefixed)) throw usage(`${source}: not a 32-byte hex private key`);
    key = prefixed as Hex;
    return key;
  };

  const ctx = {
    options,
    chainId,
    chain,
    client,
    /** Past events, paged in bounded ranges up to the head (the runtime's reader). */
    events: createEventReader({ client, confirmations: 0, range: defaultRange }),
    deploymentFile,
    /** The signing key (only for commands that hand it to another tool, such as forge). */
    privateKey: readKey,
    get account(): LocalAccount {
      account ??= privateKeyToAccount(readKey());
      return account;
    },
    deployment(): Record<string, unknown> {
      if (deployment) return deployment;
      if (!existsSync(deploymentFile))
        throw new CliError(
          `no deployment file ${deploymentFile} (chain ${chainId}): run \`stoa deploy\` or pass --deployment <file>`,
        );
      try {
        deployment = JSON.parse(readFileSync(deploymentFile, 'utf8')) as Record<string, unknown>;
      } catch {
        throw new CliError(`deployment file ${deploymentFile} is not JSON`);
      }
      return deployment;
    },
    /** The address of deployment key `name`, or a clear error naming what deploys it. */
    contract(name: string): Address {
      const value = ctx.deployment()[name];
      if (typeof value === 'string' && isAddress(value)) return getAddress(value);
      const by = DEPLOYED_BY[name] ? ` (deployed by ${DEPLOYED_BY[name]}, not in this deployment yet)` : '';
      throw new CliError(`deployment ${deploymentFile} has no ${name}${by}`);
    },
    async decimalsOf(token: Address): Promise<number> {
      let d = decimals.get(token);
      if (d === undefined) {
        d = await client.readContract({ address: token, abi: erc20Abi, functionName: 'decimals' });
        decimals.set(token, d);
      }
      return d;
    },
    /** `text` as an amount of `token` in its base units (`1.5` with 18 decimals -> 1.5e18). */
    async amount(token: Address, text: string, what = 'amount'): Promise<bigint> {
      return parseAmount(text, await ctx.decimalsOf(token), what);
    },
    /** Simulates `call` from the key's account (a revert throws `refused: Error(args)`), sends it with a
     * gas margin and waits for the receipt. */
    async send<TAbi extends Abi, TName extends ContractFunctionName<TAbi, 'nonpayable' | 'payable'>>(
      call: Call<TAbi, TName>,
    ): Promise<{ hash: Hash; receipt: TransactionReceipt; result: unknown }> {
      const from = ctx.account;
      const withErrors = { ...call, abi: [...call.abi, ...platformErrors] };
      // biome-ignore lint/suspicious/noExplicitAny: viem's generic simulate/write parameters do not narrow here
      const { request, result } = await client.simulateContract({ ...(withErrors as any), account: from });
      // biome-ignore lint/suspicious/noExplicitAny: as above
      const gas = await client.estimateContractGas({ ...(withErrors as any), account: from });
      const wallet = createWalletClient({ chain, transport, account: from });
      const hash = await wallet.writeContract({ ...request, gas: withGasMargin(gas) });
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success')
        throw new CliError(`${String(call.functionName)} reverted in transaction ${hash}`);
      return { hash, receipt, result };
    },
    /** Approves `spender` for `amount` of `token` unless the allowance already covers it. */
    async ensureAllowance(token: Address, spender: Address, amount: bigint): Promise<Hash | undefined> {
      if (amount === 0n) return undefined;
      const allowance = await client.readContract({
        address: token,
        abi: erc20Abi,
        functionName: 'allowance',
        args: [ctx.account.address, spender],
      });
      if (allowance >= amount) return undefined;
      const { hash } = await ctx.send({
        address: token,
        abi: erc20Abi,
        functionName: 'approve',
        args: [spender, amount],
      });
      return hash;
    },
    async now(): Promise<number> {
      // The pending block: a node that mines on demand stamps it with the wall clock, later than the head.
      return Number((await client.getBlock({ blockTag: 'pending' })).timestamp);
    },
    /** Prints the result: `data` as one JSON document with `--json`, else the human lines. */
    print(human: string | string[], data: unknown): void {
      if (options.json) process.stdout.write(`${toJson(data)}\n`);
      else process.stdout.write(`${(Array.isArray(human) ? human : [human]).join('\n')}\n`);
    },
  };
  return ctx;
}

/** A checksummed address, or a usage error naming the argument. */
export function parseAddress(text: string, what = 'address'): Address {
  if (!isAddress(text, { strict: false })) throw usage(`${what}: not an address: ${text}`);
  return getAddress(text);
}

/** A non-negative decimal amount in base units of a token with `decimals`. */
export function parseAmount(text: string, decimals: number, what = 'amount'): bigint {
  if (!/^\d+(\.\d+)?$/.test(text)) throw usage(`${what}: not a non-negative decimal number: ${text}`);
  const fraction = text.split('.')[1] ?? '';
  if (fraction.length > decimals)
    throw usage(`${what}: ${text} has more than ${decimals} decimals (the token's precision)`);
  return parseUnits(text, decimals);
}

/** A non-negative integer (ids, indices). */
export function parseInteger(text: string, what: string): bigint {
  if (!/^\d+$/.test(text)) throw usage(`${what}: not a non-negative integer: ${text}`);
  return BigInt(text);
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** Seconds from `90`, `30m`, `12h`, `180d`, `1y` (a year is 365 days). */
export function parseDuration(text: string, what = 'duration'): number {
  const match = /^(\d+)([smhdwy]?)$/.exec(text);
  if (!match) throw usage(`${what}: not a duration (e.g. 3600, 30m, 12h, 180d, 1y): ${text}`);
  return Number(match[1]) * UNITS[match[2] || 's']!;
}

/** Reads a string-valued enum by name (case-insensitive) or index. */
export function parseEnum(text: string, names: readonly string[], what: string): number {
  const index = names.findIndex((n) => n.toLowerCase() === text.toLowerCase());
  if (index >= 0) return index;
  if (/^\d+$/.test(text) && Number(text) < names.length) return Number(text);
  throw usage(`${what}: unknown value ${text}; one of ${names.join(', ')}`);
}
