/** zod schemas shared by the config and the roles' task data (JSON-safe forms of chain values). */
import { getAddress } from 'viem';
import { z } from 'zod';

/** A 0x-prefixed 20-byte hex address, as written (the config keeps what the operator wrote). */
export const hexAddress = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address');

/** A 0x-prefixed 20-byte hex address, checksummed when parsed (task data compared with chain values). */
export const address = hexAddress.transform((value) => getAddress(value.toLowerCase()));

/** An unsigned 256-bit integer as a decimal string (how task data carries ids and amounts). */
export const uintString = z
  .string()
  .regex(/^(0|[1-9]\d{0,77})$/, 'expected an unsigned integer as a decimal string')
  .refine((value) => BigInt(value) < 2n ** 256n, 'larger than 2^256 - 1');

/** 32 bytes as 0x-prefixed hex. */
export const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected 32 bytes as 0x-prefixed hex');
