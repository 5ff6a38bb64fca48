/**
 * Configuration of one MPC node: a pure, validated function of a JSON object (file or env).
 * Every setting is documented in README.md.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';

const hex = (bytes: number[]) =>
  z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]+$/, 'hex string')
    .transform((s) => hexToBytes(s.replace(/^0x/, '')))
    .refine((b) => bytes.includes(b.length), `must be ${bytes.join(' or ')} bytes`);

const partyId = z.union([z.literal(0), z.literal(1), z.literal(2)]);

export const mpcNodeConfigSchema = z
  .object({
    id: partyId,
    secretKey: hex([32]),
    listen: z.object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535) }),
    peers: z
      .array(
        z.object({
          id: partyId,
          host: z.string().default('127.0.0.1'),
          port: z.number().int().min(1).max(65535),
          publicKey: hex([33, 65]),
        }),
      )
      .length(2),
    committee: z.string().min(1).default('stoa-mpc-local'),
    mode: z.enum(['semi-honest', 'malicious']).default('malicious'),
    maxFrameBytes: z
      .number()
      .int()
      .min(1024)
      .max(2 ** 31)
      .default(256 * 2 ** 20),
    roundTimeoutMs: z.number().int().positive().default(30_000),
    connectTimeoutMs: z.number().int().positive().default(30_000),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((c) => new Set([c.id, ...c.peers.map((p) => p.id)]).size === 3, 'peers must be the two other ids')
  .refine((c) => {
    try {
      secp256k1.getPublicKey(c.secretKey);
      return true;
    } catch {
      return false;
    }
  }, 'secretKey is not a valid secp256k1 key');

export type MpcNodeConfigInput = z.input<typeof mpcNodeConfigSchema>;
export type MpcNodeConfig = z.output<typeof mpcNodeConfigSchema>;

export function parseMpcNodeConfig(input: unknown): MpcNodeConfig {
  return mpcNodeConfigSchema.parse(input);
}
