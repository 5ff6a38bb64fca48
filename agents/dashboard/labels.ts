/** Names for the demo's accounts (anvil's dev mnemonic), so pages say "alice" instead of 0x70997970… */
import { devAccount, PEOPLE } from '../stack/scenario/context.js';

export function demoLabels(): Record<string, string> {
  return Object.fromEntries(PEOPLE.map((who) => [devAccount(who).address, who]));
}
