/**
 * What the protocol needs from the network: for one computation (a session), ordered messages
 * to and from the two other parties and a secret seed shared with each of them. Party i's `next`
 * is party i + 1 (mod 3) and its `prev` is party i - 1.
 */
export type PartyId = 0 | 1 | 2;
export type Neighbour = 'next' | 'prev';

export interface Link {
  readonly id: PartyId;
  /** 32-byte secret shared with that neighbour for this session only. */
  readonly seeds: Readonly<Record<Neighbour, Uint8Array>>;
  send(to: Neighbour, data: Uint8Array): void;
  /** The next message from that neighbour in this session; rejects on timeout or a lost peer. */
  recv(from: Neighbour): Promise<Uint8Array>;
}

export function neighbourId(id: PartyId, which: Neighbour): PartyId {
  return ((id + (which === 'next' ? 1 : 2)) % 3) as PartyId;
}

/** Base class of every error that makes a computation stop without a result. */
export class MpcError extends Error {
  override name = 'MpcError';
}

/** A check failed: some party deviated (malicious mode) or sent inconsistent data. No output. */
export class MpcAbortError extends MpcError {
  override name = 'MpcAbortError';
}

/** A peer did not answer in time or its connection was lost; the caller may retry. */
export class MpcTimeoutError extends MpcError {
  override name = 'MpcTimeoutError';
}

/** Words of a message (messages are whole Uint32 words; bytes are copied if misaligned). */
export function asWords(data: Uint8Array): Uint32Array {
  if (data.length % 4 !== 0) throw new MpcAbortError(`message of ${data.length} bytes is not whole words`);
  if (data.byteOffset % 4 === 0) return new Uint32Array(data.buffer, data.byteOffset, data.length / 4);
  return new Uint32Array(data.slice().buffer);
}

export function asBytes(words: Uint32Array): Uint8Array {
  return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
}
