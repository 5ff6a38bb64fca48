/** What every scenario step gets: the chain, the demo's named accounts and the deployment. */
import {
  type Account,
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  type Transport,
  toHex,
  type WalletClient,
} from 'viem';
import { type LocalAccount, mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { createEventReader, defaultRange, type EventReader } from '../../runtime/events.js';
import type { Deployment } from '../deploy.js';
import type { Progress } from '../progress.js';
import type { Service } from '../services.js';

/** anvil's well-known test mnemonic: the demo's accounts are its first addresses. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

/** The demo's cast; index = anvil account index (anvil creates one account per person). */
export const PEOPLE = [
  'deployer',
  'kycProvider',
  'alice',
  'bob',
  'carol',
  'dave',
  'mallory',
  'aliceNewWallet',
  'watcher1',
  'watcher2',
  'oracleKeeper',
  'cascadeKeeper',
  'governanceKeeper',
  'basketKeeper',
  'marketMaker',
  'mpcNode1',
  'mpcNode2',
  'mpcNode3',
] as const;
export type Person = (typeof PEOPLE)[number];

/** A demo person's anvil account. */
export const devAccount = (who: Person) =>
  mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: PEOPLE.indexOf(who) });

/** A demo person's private key, for forge and the agent processes (passed in their environment). */
export const devKey = (who: Person): Hex => toHex(devAccount(who).getHdKey().privateKey!);

export type ScenarioContext = {
  rpcUrl: string;
  redisUrl: string;
  chain: Chain;
  client: PublicClient;
  /** Past events, paged in bounded ranges up to the head (the runtime's reader). */
  events: EventReader;
  accounts: Record<Person, LocalAccount>;
  wallet: (who: Person) => WalletClient<Transport, Chain, Account>;
  deployment: Deployment;
  progress: Progress;
  /** The demo's name of an address (a person or a contract), else the value unchanged. */
  nameOf: (value: string) => string;
  /** `text` with every known address replaced by its name. */
  nameAll: (text: string) => string;
  /** Mines `blocks` empty blocks (anvil). */
  mine: (blocks: number) => Promise<void>;
  /** Moves chain time forward by `seconds` and mines a block (anvil). */
  travel: (seconds: number) => Promise<void>;
  /**
   * Mines a block every 300 ms (the agents follow the chain with one confirmation) until `done`
   * returns something other than `false`; throws naming `what` after 60 s.
   */
  waitFor: <T>(what: string, done: () => Promise<T | false>) => Promise<T>;
};

export function createScenarioContext(args: {
  rpcUrl: string;
  redisUrl: string;
  chainId: number;
  deployment: Deployment;
  progress: Progress;
}): ScenarioContext {
  const chain = { ...foundry, id: args.chainId, rpcUrls: { default: { http: [args.rpcUrl] } } };
  const transport = http(args.rpcUrl);
  const accounts = {} as Record<Person, LocalAccount>;
  for (const name of PEOPLE) accounts[name] = devAccount(name);
  const names = new Map<string, string>([
    ...Object.entries(args.deployment).map(([name, address]) => [address.toLowerCase(), name] as const),
    ...PEOPLE.map((name) => [accounts[name].address.toLowerCase(), name] as const),
  ]);
  const wallets = new Map<Person, WalletClient<Transport, Chain, Account>>();
  const anvil = createTestClient({ chain, transport, mode: 'anvil' });
  const client = createPublicClient({ chain, transport, pollingInterval: 100 }) as PublicClient;
  return {
    rpcUrl: args.rpcUrl,
    redisUrl: args.redisUrl,
    chain,
    client,
    events: createEventReader({ client, confirmations: 0, range: defaultRange }),
    accounts,
    wallet(who) {
      let w = wallets.get(who);
      if (!w) {
        w = createWalletClient({ chain, transport, account: accounts[who] });
        wallets.set(who, w);
      }
      return w;
    },
    deployment: args.deployment,
    progress: args.progress,
    mine: (blocks) => anvil.mine({ blocks }),
    async travel(seconds) {
      await anvil.increaseTime({ seconds });
      await anvil.mine({ blocks: 1 });
    },
    async waitFor(what, done) {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const result = await done();
        if (result !== false) return result;
        await anvil.mine({ blocks: 1 });
        await new Promise((r) => setTimeout(r, 300));
      }
      throw new Error(`${what}: not seen within 60 s (see .stoa/logs/)`);
    },
    nameOf: (value) => names.get(value.toLowerCase()) ?? value,
    nameAll: (text) => text.replace(/0x[0-9a-fA-F]{40}/g, (a) => names.get(a.toLowerCase()) ?? a),
  };
}

/** A step of a scenario: a title and what it does; it throws when the platform misbehaves.
 * A scenario stops at its first failed step (the later ones build on it). */
export type ScenarioStep = {
  title: string;
  run: (ctx: ScenarioContext) => Promise<string | undefined>;
};

/** What a layer's agents need to know about the running stack. */
export type StackInfo = {
  rpcUrl: string;
  redisUrl: string;
  chainId: number;
  deployment: Deployment;
  /** Prefix of the agent process names (their config and log files): two stacks may share a checkout (tests). */
  processPrefix?: string;
};

/** The processes (and other services) a layer started, and a line naming them for the terminal. */
export type LayerAgents = { services: Service[]; summary: string };
