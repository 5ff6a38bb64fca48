/**
 * KYC attestations: the EIP-712 statement a registered provider signs about an investor's wallet,
 * which anyone may then submit to the identity registry (`attest`).
 */
import { type Account, type Address, type Hex, keccak256, toBytes } from 'viem';

/** ISO 3166-1 numeric codes used by the demo and the CLI's examples. */
export const COUNTRY = { CH: 756, DE: 276, FR: 250, GB: 826, US: 840 } as const;

/** The investor categories of the default issuer policy (bit i of `allowedCategories`). */
export const CATEGORY = { retail: 0, accredited: 1, institutional: 2 } as const;

export type Attestation = {
  /** The provider's opaque key of the investor (see `investorKey`). */
  identity: Hex;
  wallet: Address;
  country: number;
  category: number;
  amlFlagged: boolean;
  issuedAt: number;
  expiresAt: number;
};

export const attestationTypes = {
  Attestation: [
    { name: 'identity', type: 'bytes32' },
    { name: 'wallet', type: 'address' },
    { name: 'country', type: 'uint16' },
    { name: 'category', type: 'uint8' },
    { name: 'amlFlagged', type: 'bool' },
    { name: 'issuedAt', type: 'uint40' },
    { name: 'expiresAt', type: 'uint40' },
  ],
} as const;

/** The provider's key of an investor: keccak256 of its client reference (no personal data on chain). */
export function investorKey(clientReference: string): Hex {
  return keccak256(toBytes(clientReference));
}

/** Signs `attestation` for the registry at `registry` on chain `chainId` with the provider's account. */
export async function signAttestation(args: {
  provider: Account;
  registry: Address;
  chainId: number;
  attestation: Attestation;
}): Promise<Hex> {
  if (!args.provider.signTypedData) throw new Error('the provider account cannot sign typed data');
  return args.provider.signTypedData({
    domain: {
      name: 'Stoa Identity Registry',
      version: '1',
      chainId: args.chainId,
      verifyingContract: args.registry,
    },
    types: attestationTypes,
    primaryType: 'Attestation',
    message: args.attestation,
  });
}
