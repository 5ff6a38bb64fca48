/**
 * `stoa kyc attest|revoke`: a registered KYC provider (the key) signs an EIP-712 attestation about
 * an investor's wallet and submits it to the identity registry, or revokes one by its digest.
 */
import type { Command } from 'commander';
import { identityRegistryAbi } from '../../generated/abis.js';
import { CATEGORY, COUNTRY, investorKey, signAttestation } from '../../token/kyc.js';
import { createCliContext, parseAddress, parseDuration, parseEnum } from '../context.js';
import { action, chainOptions, examples, usage } from '../options.js';

type AttestOptions = {
  investor: string;
  country: string;
  category: string;
  valid: string;
  amlFlagged?: boolean;
  signOnly?: boolean;
};

function parseCountry(text: string): number {
  const named = COUNTRY[text.toUpperCase() as keyof typeof COUNTRY];
  if (named !== undefined) return named;
  if (/^\d{1,3}$/.test(text) && Number(text) > 0) return Number(text);
  throw usage(
    `--country: not an ISO 3166-1 numeric code or one of ${Object.keys(COUNTRY).join(', ')}: ${text}`,
  );
}

export function register(program: Command): void {
  const kyc = program.command('kyc').description('KYC attestations of a registered provider (the key)');

  const attest = chainOptions(
    kyc
      .command('attest')
      .description(
        'sign an attestation of <wallet> with the provider key and submit it to the identity registry',
      )
      .argument('<wallet>', "the investor's wallet"),
  )
    .requiredOption(
      '--investor <reference>',
      "the provider's client reference (hashed; no personal data on chain)",
    )
    .requiredOption('--country <code>', `ISO 3166-1 numeric code, or ${Object.keys(COUNTRY).join(', ')}`)
    .option(
      '--category <name>',
      `investor category: ${Object.keys(CATEGORY).join(', ')} or its index`,
      'retail',
    )
    .option('--valid <duration>', 'validity from now (e.g. 365d, 1y)', '1y')
    .option('--aml-flagged', 'the investor is AML-flagged')
    .option('--sign-only', 'print the attestation and signature for the investor to submit, send nothing')
    .action(
      action<[string], AttestOptions>(async ([walletText], options) => {
        const wallet = parseAddress(walletText, 'wallet');
        const country = parseCountry(options.country);
        const category = parseEnum(options.category, Object.keys(CATEGORY), '--category');
        const valid = parseDuration(options.valid, '--valid');
        const ctx = await createCliContext(options);
        const registry = { address: ctx.contract('identityRegistry'), abi: identityRegistryAbi } as const;
        // The registry refuses an attestation issued after the block that applies it: date it by the head, which
        // the simulation and the transaction's block are never before (the pending block's wall clock may be).
        const issuedAt = Number((await ctx.client.getBlock()).timestamp);
        const attestation = {
          identity: investorKey(options.investor),
          wallet,
          country,
          category,
          amlFlagged: options.amlFlagged ?? false,
          issuedAt,
          expiresAt: issuedAt + valid,
        };
        const signature = await signAttestation({
          provider: ctx.account,
          registry: registry.address,
          chainId: ctx.chainId,
          attestation,
        });
        const digest = await ctx.client.readContract({
          ...registry,
          functionName: 'attestationDigest',
          args: [attestation],
        });
        if (options.signOnly) {
          ctx.print([`attestation ${digest}`, `signature ${signature}`], { attestation, signature, digest });
          return;
        }
        const { hash } = await ctx.send({
          ...registry,
          functionName: 'attest',
          args: [attestation, signature],
        });
        const identity = await ctx.client.readContract({
          ...registry,
          functionName: 'identityOf',
          args: [wallet],
        });
        ctx.print(
          `${wallet} attested: identity ${identity}, country ${country}, category ${options.category}, expires ${new Date(attestation.expiresAt * 1000).toISOString()}; digest ${digest} (tx ${hash})`,
          { wallet, identity, digest, attestation, transaction: hash },
        );
      }),
    );
  examples(attest, [
    'stoa kyc attest 0xInvestor --investor client-42 --country CH --category accredited',
    'stoa kyc attest 0xInvestor --investor client-42 --country 276 --valid 180d --sign-only --json',
  ]);

  const revoke = chainOptions(
    kyc
      .command('revoke')
      .description('revoke an attestation by its digest (printed by `kyc attest`); the provider key only')
      .argument('<digest>', 'the attestation digest (0x + 64 hex)'),
  ).action(
    action<[string], object>(async ([digest], options) => {
      if (!/^0x[0-9a-fA-F]{64}$/.test(digest)) throw usage(`digest: not 32 bytes of hex: ${digest}`);
      const ctx = await createCliContext(options);
      const registry = { address: ctx.contract('identityRegistry'), abi: identityRegistryAbi } as const;
      const { hash } = await ctx.send({
        ...registry,
        functionName: 'revokeAttestation',
        args: [digest as `0x${string}`],
      });
      ctx.print(`attestation ${digest} revoked (tx ${hash})`, { digest, revoked: true, transaction: hash });
    }),
  );
  examples(revoke, ['stoa kyc revoke 0x5f1c…e2 --key-file provider.key']);
}
