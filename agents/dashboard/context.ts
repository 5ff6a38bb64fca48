/** What every page loader gets: the chain client, the deployment, the event index and the names. */
import type { Address, PublicClient } from 'viem';
import type { EventIndex } from './events.js';

export type Deployment = Record<string, Address>;

export type PageContext = {
  client: PublicClient;
  deployment: Deployment;
  index: EventIndex;
  /** A readable name for an address (a contract of the deployment, a known account), else the address. */
  nameOf: (address: string) => string;
};

/** Runs `read` and returns undefined when it reverts or fails (a view the contract may not answer). */
export async function attempt<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}
