/**
 * Complaints about inputs: how an MPC node that cannot use its payload of an input proves it, so
 * that no node can drop an input silently.
 *
 * An input's envelope for node i is an ECIES envelope (ecies.ts) to node i's registered encryption
 * key P = x G, with ephemeral key E. Its content is fixed by the ECDH point S = x E. A complaint
 * reveals S with a Chaum-Pedersen proof that log_G(P) = log_E(S) (a DLEQ proof, non-interactive by
 * Fiat-Shamir with SHA-256), so anyone holding the ciphertext and P can open the envelope exactly
 * as node i would (`openInputWithPoint` in inputs.ts) without learning x. If it does not open (or
 * the payload is malformed, or does not match the input's commitment) the complaint holds and the
 * input is excluded by everyone; if it opens, the complaint is false: evidence that node i lies.
 * An envelope whose ephemeral key is not a curve point needs no proof (anyone sees it).
 *
 * Revealing S discloses node i's payload of that one input to whoever checks the complaint (the
 * other nodes): for a true complaint that payload is garbage or inconsistent; a false complaint is
 * a node giving away its own shares, which it could always do.
 *
 * Wire format of a node's complaints (whole 32-bit words, as MPC messages are): `count (u32 BE)`
 * then `count` entries of 108 bytes: `input index (u32 BE) | kind (u32 BE: 0 malformed envelope,
 * 1 with proof) | S (33) | c (32) | s (32) | 3 zero bytes`.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, concatBytes, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

const Point = secp256k1.Point;
const Fn = Point.Fn;
const DOMAIN = utf8ToBytes('stoa/mpc-complaint/dleq/v1');
const ENTRY_BYTES = 108;
/** Most complaints one message may carry (one per input; inputs are u32-indexed). */
const MAX_COMPLAINTS = 2 ** 24;

/** One node's complaint about one input. */
export type Complaint = {
  /** The input's on-chain index (`InputSubmitted.index`). */
  index: number;
  /** Absent: the envelope is malformed (anyone can see it). */
  proof?: { shared: Uint8Array; c: bigint; s: bigint };
};

function challenge(
  publicKey: Uint8Array,
  ephemeral: Uint8Array,
  shared: Uint8Array,
  a1: Uint8Array,
  a2: Uint8Array,
  context: Uint8Array,
): bigint {
  const g = Point.BASE.toBytes(true);
  return Fn.create(
    bytesToNumberBE(sha256(concatBytes(DOMAIN, g, publicKey, ephemeral, shared, a1, a2, context))),
  );
}

/**
 * S = x E and a proof that it is: `c = H(G, P, E, S, k G, k E, context)`, `s = k + c x`.
 * `context` binds the proof to its place (computation, input, node).
 */
export function proveSharedPoint(
  secretKey: Uint8Array,
  ephemeral: Uint8Array,
  context: Uint8Array,
): NonNullable<Complaint['proof']> {
  const x = Fn.fromBytes(secretKey);
  const e = Point.fromBytes(ephemeral);
  const shared = e.multiply(x).toBytes(true);
  const k = Fn.fromBytes(secp256k1.utils.randomSecretKey());
  const publicKey = Point.BASE.multiply(x).toBytes(true);
  const c = challenge(
    publicKey,
    e.toBytes(true),
    shared,
    Point.BASE.multiply(k).toBytes(true),
    e.multiply(k).toBytes(true),
    context,
  );
  return { shared, c, s: Fn.add(k, Fn.mul(c, x)) };
}

/** Whether `proof.shared` is `x E` for the `x` behind `publicKey` (checks `s G - c P`, `s E - c S`). */
export function verifySharedPoint(
  publicKey: Uint8Array,
  ephemeral: Uint8Array,
  proof: NonNullable<Complaint['proof']>,
  context: Uint8Array,
): boolean {
  try {
    const { c, s } = proof;
    if (c >= Fn.ORDER || s >= Fn.ORDER) return false;
    const p = Point.fromBytes(publicKey);
    const e = Point.fromBytes(ephemeral);
    const shared = Point.fromBytes(proof.shared);
    const a1 = Point.BASE.multiplyUnsafe(s).subtract(p.multiplyUnsafe(c));
    const a2 = e.multiplyUnsafe(s).subtract(shared.multiplyUnsafe(c));
    if (a1.is0() || a2.is0()) return false;
    return (
      challenge(
        p.toBytes(true),
        e.toBytes(true),
        shared.toBytes(true),
        a1.toBytes(true),
        a2.toBytes(true),
        context,
      ) === c
    );
  } catch {
    return false;
  }
}

/** A node's complaints as one message (see the module comment). */
export function encodeComplaints(complaints: readonly Complaint[]): Uint8Array {
  const out = new Uint8Array(4 + complaints.length * ENTRY_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, complaints.length);
  complaints.forEach((complaint, j) => {
    const at = 4 + j * ENTRY_BYTES;
    view.setUint32(at, complaint.index);
    if (!complaint.proof) return;
    view.setUint32(at + 4, 1);
    out.set(complaint.proof.shared, at + 8);
    out.set(numberToBytesBE(complaint.proof.c, 32), at + 41);
    out.set(numberToBytesBE(complaint.proof.s, 32), at + 73);
  });
  return out;
}

/** Parses a complaints message; throws on a malformed one. */
export function decodeComplaints(data: Uint8Array): Complaint[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = data.length >= 4 ? view.getUint32(0) : -1;
  if (count < 0 || count > MAX_COMPLAINTS || data.length !== 4 + count * ENTRY_BYTES)
    throw new Error('malformed complaints');
  return Array.from({ length: count }, (_, j) => {
    const at = 4 + j * ENTRY_BYTES;
    const index = view.getUint32(at);
    const kind = view.getUint32(at + 4);
    if (kind === 0) return { index };
    if (kind !== 1) throw new Error('malformed complaints');
    return {
      index,
      proof: {
        shared: data.slice(at + 8, at + 41),
        c: bytesToNumberBE(data.subarray(at + 41, at + 73)),
        s: bytesToNumberBE(data.subarray(at + 73, at + 105)),
      },
    };
  });
}
