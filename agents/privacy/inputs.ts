/**
 * Private inputs for the MPC committee: the client splits values into replicated secret shares,
 * encrypts to each node what that node may hold, and commits to all shares; a node decrypts its
 * payload and checks it against the commitment recorded on chain.
 *
 * Sharing convention (shared with agents/privacy/mpc): three parties, ring Z_2^64. A value x is
 * split into s_0, s_1, s_2 with x = s_0 + s_1 + s_2 mod 2^64 (s_0, s_1 uniform, s_2 the rest).
 * Node i (0-based position in the committee) holds the pair (s_i, s_{(i+1) mod 3}): node 0 holds
 * (s_0, s_1), node 1 holds (s_1, s_2), node 2 holds (s_2, s_0). Every share is held by two nodes;
 * no node holds all three. Negative values are two's complement (x mod 2^64). An input is a vector
 * of k >= 1 values (e.g. a one-hot ballot) shared element-wise: s_j is then a vector of k shares.
 *
 * Commitments: share vector j is committed as
 * `c_j = keccak256(j (1 byte) || salt_j (32) || s_j[0] (8, big-endian) || ... || s_j[k-1])`,
 * with a fresh random 32-byte salt per share vector, and the input as
 * `commitment = keccak256(c_0 || c_1 || c_2)` (the `commitment` argument of `submitInput`).
 * Node i receives salt and shares of both vectors it holds plus c_{(i+2) mod 3}, recomputes c_i and
 * c_{(i+1) mod 3} and checks the commitment: two nodes holding the same share vector therefore hold
 * identical copies (binding), and the salt keeps c_{(i+2) mod 3} from revealing the missing share.
 *
 * Payload for node i (plaintext inside the ECIES envelope, see ecies.ts), lengths in bytes:
 * `0x01 (1) || k (2, big-endian) || salt_i (32) || s_i (8k) || salt_{i+1} (32) || s_{i+1} (8k) || c_{i+2} (32)`,
 * i.e. 99 + 16k bytes (115 for one value; 189 on chain with the envelope). The envelope's
 * associated data binds it to its place:
 * `"stoa/mpc-input/v1" || chainId (32) || committee (20) || computationId (32) || submitter (20) || i (1)`,
 * so ciphertexts copied into another submission, computation, chain or node slot do not open.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import {
  type Address,
  bytesToHex,
  concat,
  encodeAbiParameters,
  encodePacked,
  type Hex,
  hexToBytes,
  keccak256,
} from 'viem';
import { EciesError, eciesDecrypt, eciesEncrypt, eciesOpen } from './ecies.js';

/** Number of parties of the replicated sharing. */
export const PARTIES = 3;
export const RING_MODULUS = 1n << 64n;
export const INPUT_PAYLOAD_VERSION = 0x01;
/** `MpcCommittee.MAX_CIPHERTEXT_BYTES`: the longest ciphertext `submitInput` takes. */
export const MAX_CIPHERTEXT_BYTES = 65_536;
/** `MpcCommittee.MAX_INPUTS`: the most inputs one computation takes. */
export const MAX_INPUTS = 65_536;
/**
 * Most values one input may carry: its ciphertext (74 + 99 + 16k bytes) must fit
 * `MAX_CIPHERTEXT_BYTES`, so 4,085 (e.g. a cap table of 4,085 holders; 2,000 holders: 32,173 bytes).
 */
export const MAX_INPUT_VALUES = Math.floor((MAX_CIPHERTEXT_BYTES - 74 - 99) / 16);
const SALT_BYTES = 32;
const SHARE_BYTES = 8;

/** An input that is out of range, malformed, does not open, or does not match its commitment. */
export class InputError extends Error {
  override name = 'InputError';
}

/** One share (index j in 0..2) of every value of an input. */
export type ShareVector = { index: number; values: bigint[] };

/** `value` as a ring element: accepts -2^63 <= value < 2^64, negatives as two's complement. */
export function toRing(value: bigint): bigint {
  if (value < -(1n << 63n) || value >= RING_MODULUS) throw new InputError(`value ${value} out of range`);
  return BigInt.asUintN(64, value);
}

/** Indices of the two share vectors node `nodeIndex` holds: (i, (i + 1) mod 3). */
export function heldShareIndices(nodeIndex: number): readonly [number, number] {
  if (!Number.isInteger(nodeIndex) || nodeIndex < 0 || nodeIndex >= PARTIES) {
    throw new InputError(`node index ${nodeIndex} out of range`);
  }
  return [nodeIndex, (nodeIndex + 1) % PARTIES];
}

function randomRingElements(count: number): bigint[] {
  const bytes = randomBytes(count * SHARE_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, j) => view.getBigUint64(j * SHARE_BYTES));
}

/** Splits `values` into the three share vectors s_0, s_1, s_2 (element-wise x = s_0 + s_1 + s_2 mod 2^64). */
export function splitShares(values: readonly bigint[]): [ShareVector, ShareVector, ShareVector] {
  if (values.length === 0 || values.length > MAX_INPUT_VALUES) {
    throw new InputError(`an input carries 1 to ${MAX_INPUT_VALUES} values, not ${values.length}`);
  }
  const ring = values.map(toRing);
  const s0 = randomRingElements(ring.length);
  const s1 = randomRingElements(ring.length);
  const s2 = ring.map((x, j) => BigInt.asUintN(64, x - s0[j]! - s1[j]!));
  return [
    { index: 0, values: s0 },
    { index: 1, values: s1 },
    { index: 2, values: s2 },
  ];
}

/**
 * XOR-shares small values bit by bit (a ballot choice): value j becomes `bits` elements, its bits
 * from the least significant, each split as b = s_0 XOR s_1 XOR s_2 with s_0, s_1 uniform bits.
 * The share vectors travel and are committed like ring shares; the nodes read the low bit of each
 * element (`agents/privacy/mpc` bit sharing), so a ballot can only ever hold a small index.
 */
export function splitBitShares(
  values: readonly bigint[],
  bits: number,
): [ShareVector, ShareVector, ShareVector] {
  if (!Number.isInteger(bits) || bits < 1 || bits > 64) throw new InputError(`bits ${bits} out of range`);
  const plain = values.flatMap((value) => {
    if (value < 0n || value >= 1n << BigInt(bits))
      throw new InputError(`value ${value} does not fit in ${bits} bits`);
    return Array.from({ length: bits }, (_, t) => (value >> BigInt(t)) & 1n);
  });
  if (plain.length === 0 || plain.length > MAX_INPUT_VALUES) {
    throw new InputError(`an input carries 1 to ${MAX_INPUT_VALUES} values, not ${plain.length}`);
  }
  const random = randomBytes(2 * plain.length);
  const s0 = plain.map((_, j) => BigInt(random[j]! & 1));
  const s1 = plain.map((_, j) => BigInt(random[plain.length + j]! & 1));
  const s2 = plain.map((b, j) => b ^ s0[j]! ^ s1[j]!);
  return [
    { index: 0, values: s0 },
    { index: 1, values: s1 },
    { index: 2, values: s2 },
  ];
}

/** The values behind share vectors that together cover indices 0, 1 and 2. */
export function reconstructShares(shares: readonly ShareVector[]): bigint[] {
  const byIndex = new Map(shares.map((s) => [s.index, s.values]));
  const vectors = [0, 1, 2].map((j) => byIndex.get(j));
  const [a, b, c] = vectors;
  if (!a || !b || !c || a.length !== b.length || a.length !== c.length) {
    throw new InputError('need share vectors 0, 1 and 2 of equal length');
  }
  return a.map((x, j) => BigInt.asUintN(64, x + b[j]! + c[j]!));
}

function shareBytes(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * SHARE_BYTES);
  const view = new DataView(out.buffer);
  values.forEach((v, j) => {
    view.setBigUint64(j * SHARE_BYTES, v);
  });
  return out;
}

/** `c_j = keccak256(j || salt_j || s_j[0] || ... )` (see the module comment). */
export function shareCommitment(share: ShareVector, salt: Uint8Array): Hex {
  return keccak256(concat([Uint8Array.of(share.index), salt, shareBytes(share.values)]));
}

/** `keccak256(c_0 || c_1 || c_2)`: the commitment recorded with the input on chain. */
export function inputCommitment(shareCommitments: readonly [Hex, Hex, Hex]): Hex {
  return keccak256(concat([...shareCommitments]));
}

/** What node i's payload carries. */
export type NodePayload = {
  /** The two share vectors node i holds, (s_i, s_{i+1}), each with its salt. */
  held: readonly [{ share: ShareVector; salt: Uint8Array }, { share: ShareVector; salt: Uint8Array }];
  /** c_{(i+2) mod 3}, the commitment to the share vector node i does not hold. */
  otherCommitment: Hex;
};

/** Serializes a node payload (version 1 layout, see the module comment). */
export function encodeNodePayload(payload: NodePayload): Uint8Array {
  const [first, second] = payload.held;
  const count = first.share.values.length;
  if (second.share.values.length !== count) throw new InputError('held share vectors differ in length');
  return concat([
    Uint8Array.of(INPUT_PAYLOAD_VERSION, count >> 8, count & 0xff),
    first.salt,
    shareBytes(first.share.values),
    second.salt,
    shareBytes(second.share.values),
    hexToBytes(payload.otherCommitment),
  ]);
}

/** Parses node `nodeIndex`'s payload; throws `InputError` when malformed. */
export function decodeNodePayload(bytes: Uint8Array, nodeIndex: number): NodePayload {
  const [firstIndex, secondIndex] = heldShareIndices(nodeIndex);
  if (bytes.length < 3 || bytes[0] !== INPUT_PAYLOAD_VERSION)
    throw new InputError('unsupported payload version');
  const count = (bytes[1]! << 8) | bytes[2]!;
  const vectorBytes = count * SHARE_BYTES;
  if (count === 0 || bytes.length !== 3 + 2 * (SALT_BYTES + vectorBytes) + 32) {
    throw new InputError('malformed payload');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (offset: number, index: number) => ({
    salt: bytes.slice(offset, offset + SALT_BYTES),
    share: {
      index,
      values: Array.from({ length: count }, (_, j) =>
        view.getBigUint64(offset + SALT_BYTES + j * SHARE_BYTES),
      ),
    },
  });
  const secondOffset = 3 + SALT_BYTES + vectorBytes;
  return {
    held: [read(3, firstIndex), read(secondOffset, secondIndex)],
    otherCommitment: bytesToHex(bytes.subarray(secondOffset + SALT_BYTES + vectorBytes)),
  };
}

/** Where an input is submitted: the envelope of each node is bound to it. */
export type InputContext = {
  chainId: number | bigint;
  /** Address of the MpcCommittee contract. */
  committee: Address;
  computationId: bigint;
  /** The account that calls `submitInput`. */
  submitter: Address;
};

/** Associated data of node `nodeIndex`'s envelope (see the module comment). */
export function inputAssociatedData(context: InputContext, nodeIndex: number): Uint8Array {
  return hexToBytes(
    encodePacked(
      ['string', 'uint256', 'address', 'uint256', 'address', 'uint8'],
      [
        'stoa/mpc-input/v1',
        BigInt(context.chainId),
        context.committee,
        context.computationId,
        context.submitter,
        nodeIndex,
      ],
    ),
  );
}

/** Arguments of `submitInput`: the commitment and one ciphertext per node, in committee order. */
export type EncryptedInput = { commitment: Hex; ciphertexts: Hex[] };

export type EncryptInputParameters = {
  /** The private values (one input may carry several), split with `splitShares`. */
  values?: readonly bigint[];
  /** Already split share vectors instead of `values` (e.g. `splitBitShares` for a ballot). */
  shares?: readonly [ShareVector, ShareVector, ShareVector];
  /** The computation epoch's encryption keys (33-byte compressed, hex), in committee order. */
  encryptionKeys: readonly Hex[];
  context: InputContext;
};

/** Splits `values`, encrypts each node's pair of share vectors to it and commits to all shares. */
export function encryptInput({
  values,
  shares: given,
  encryptionKeys,
  context,
}: EncryptInputParameters): EncryptedInput {
  if (encryptionKeys.length !== PARTIES) {
    throw new InputError(
      `replicated sharing needs ${PARTIES} nodes, the committee has ${encryptionKeys.length}`,
    );
  }
  if ((values === undefined) === (given === undefined)) throw new InputError('give either values or shares');
  const shares = given ?? splitShares(values!);
  const salts = shares.map(() => randomBytes(SALT_BYTES));
  const commitments = shares.map((share, j) => shareCommitment(share, salts[j]!)) as [Hex, Hex, Hex];
  const ciphertexts = encryptionKeys.map((key, i) => {
    const [a, b] = heldShareIndices(i);
    const plaintext = encodeNodePayload({
      held: [
        { share: shares[a]!, salt: salts[a]! },
        { share: shares[b]!, salt: salts[b]! },
      ],
      otherCommitment: commitments[(i + 2) % PARTIES]!,
    });
    const envelope = eciesEncrypt({
      publicKey: hexToBytes(key),
      plaintext,
      associatedData: inputAssociatedData(context, i),
    });
    return bytesToHex(envelope);
  });
  return { commitment: inputCommitment(commitments), ciphertexts };
}

export type DecryptInputParameters = {
  /** The node's 32-byte encryption secret key. */
  privateKey: Uint8Array;
  /** The node's position in the computation epoch's committee. */
  nodeIndex: number;
  /** `ciphertexts[nodeIndex]` of the `InputSubmitted` event. */
  ciphertext: Hex;
  /** `commitment` of the `InputSubmitted` event. */
  commitment: Hex;
  context: InputContext;
};

/**
 * Node side: opens this node's payload of one input and checks it against the on-chain
 * commitment. Returns the node's two share vectors (s_i, s_{i+1}); throws `InputError` when the
 * envelope does not open, the payload is malformed or the shares do not match the commitment.
 */
export function decryptInput({
  privateKey,
  ...rest
}: DecryptInputParameters): readonly [ShareVector, ShareVector] {
  return openInput(rest, (opening) => eciesDecrypt({ privateKey, ...opening }));
}

export type OpenInputWithPointParameters = Omit<DecryptInputParameters, 'privateKey'> & {
  /** The envelope's ECDH point (33 bytes compressed), as a complaint reveals it. */
  shared: Uint8Array;
  /** The node's encryption public key (33 bytes compressed). */
  recipientPublic: Uint8Array;
};

/**
 * What `decryptInput` does, with the envelope's ECDH point instead of the node's secret key: how
 * anyone checks a node's complaint that an input does not open (`complaints.ts`).
 */
export function openInputWithPoint({
  shared,
  recipientPublic,
  ...rest
}: OpenInputWithPointParameters): readonly [ShareVector, ShareVector] {
  return openInput(rest, (opening) => eciesOpen({ shared, recipientPublic, ...opening }));
}

function openInput(
  { nodeIndex, ciphertext, commitment, context }: Omit<DecryptInputParameters, 'privateKey'>,
  open: (opening: { ciphertext: Uint8Array; associatedData: Uint8Array }) => Uint8Array,
): readonly [ShareVector, ShareVector] {
  let plaintext: Uint8Array;
  try {
    plaintext = open({
      ciphertext: hexToBytes(ciphertext),
      associatedData: inputAssociatedData(context, nodeIndex),
    });
  } catch (error) {
    if (error instanceof EciesError)
      throw new InputError(`payload does not open: ${error.message}`, { cause: error });
    throw error;
  }
  const payload = decodeNodePayload(plaintext, nodeIndex);
  const [first, second] = payload.held;
  const commitments: Hex[] = [];
  commitments[first.share.index] = shareCommitment(first.share, first.salt);
  commitments[second.share.index] = shareCommitment(second.share, second.salt);
  commitments[(nodeIndex + 2) % PARTIES] = payload.otherCommitment;
  if (inputCommitment(commitments as [Hex, Hex, Hex]) !== commitment.toLowerCase()) {
    throw new InputError('shares do not match the commitment');
  }
  return [first.share, second.share];
}

export type NextInputsCommitmentParameters = {
  /** The running commitment before this submission (zero for the first). */
  previous: Hex;
  submitter: Address;
  commitment: Hex;
  ciphertexts: readonly Hex[];
};

/**
 * The contract's running commitment after one submission:
 * `keccak256(abi.encode(previous, submitter, commitment, keccak256(keccak256(ct_0) || ... )))`.
 * Nodes fold it over the `InputSubmitted` logs and sign the final value with the result.
 */
export function nextInputsCommitment({
  previous,
  submitter,
  commitment,
  ciphertexts,
}: NextInputsCommitmentParameters): Hex {
  const ciphertextsHash = keccak256(concat(ciphertexts.map((ct) => keccak256(ct))));
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'address' }, { type: 'bytes32' }, { type: 'bytes32' }],
      [previous, submitter, commitment, ciphertextsHash],
    ),
  );
}

/**
 * The hash of the input set a result was computed on: `keccak256(abi.encode(uint256[] indices))`,
 * the on-chain indices (`InputSubmitted.index`) of the inputs that counted, ascending. Nodes sign
 * it with the result (`Result.inputSet`), so anyone holding the logs can check which inputs were
 * used and which were excluded.
 */
export function inputSetHash(indices: readonly number[]): Hex {
  // abi.encode of a dynamic array: offset 0x20, length, one 32-byte word per element (u32 here).
  const words = new Uint8Array(32 * (2 + indices.length));
  const view = new DataView(words.buffer);
  view.setUint32(28, 32);
  view.setUint32(60, indices.length);
  indices.forEach((index, j) => {
    view.setUint32(32 * (2 + j) + 28, index);
  });
  return keccak256(words);
}
