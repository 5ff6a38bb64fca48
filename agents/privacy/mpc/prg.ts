/**
 * Pseudo-random streams: a 32-byte seed expanded with AES-128-CTR (node:crypto, AES-NI). Two
 * parties holding the same seed draw the same words in the same order, which is how the protocol
 * gets zero-sharings and random sharings without talking.
 */
import { createCipheriv, createHash } from 'node:crypto';

export interface Prg {
  /** The next `count` pseudo-random 32-bit words of the stream. */
  words(count: number): Uint32Array;
}

let zeros = Buffer.alloc(0);

export function createPrg({ seed }: { seed: Uint8Array }): Prg {
  if (seed.length < 32) throw new Error('prg seed must have at least 32 bytes');
  const cipher = createCipheriv('aes-128-ctr', seed.subarray(0, 16), seed.subarray(16, 32));
  return {
    words(count) {
      const bytes = count * 4;
      if (zeros.length < bytes) zeros = Buffer.alloc(Math.max(bytes, 1 << 16));
      const out = cipher.update(zeros.subarray(0, bytes));
      return new Uint32Array(out.buffer, out.byteOffset, count);
    },
  };
}

/** A seed for one purpose derived from a secret: sha256(label, 0, each part). */
export function deriveSeed(
  secret: Uint8Array,
  label: string,
  ...parts: readonly (string | Uint8Array)[]
): Uint8Array {
  const hash = createHash('sha256').update(secret).update(label).update(Uint8Array.of(0));
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}
