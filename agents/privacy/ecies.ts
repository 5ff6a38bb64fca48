/**
 * ECIES over secp256k1: how a client encrypts one payload to one MPC node's encryption key.
 *
 * Wire format (version 1), all lengths in bytes:
 *
 * | offset | length | field                                              |
 * | ------ | ------ | -------------------------------------------------- |
 * | 0      | 1      | version, `0x01`                                    |
 * | 1      | 33     | ephemeral public key, SEC1 compressed              |
 * | 34     | 24     | nonce, random                                      |
 * | 58     | n      | ciphertext (n = plaintext length)                  |
 * | 58 + n | 16     | Poly1305 tag                                       |
 *
 * Key schedule: `shared = x(ECDH(ephemeral secret, recipient public key))` (32 bytes);
 * `key = HKDF-SHA256(ikm = shared, salt = ephemeral public || recipient public (compressed),
 * info = "stoa/ecies/v1", length = 32)`. The payload is sealed with XChaCha20-Poly1305 under
 * `key` and the nonce, with associated data `header || associatedData`, where `header` is the
 * first 58 bytes: the version, the ephemeral key and the nonce are authenticated too. A fresh
 * ephemeral key per message makes every key single-use; the random 24-byte nonce is defence in
 * depth. Decryption refuses anything that does not authenticate, without saying which part failed.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export const ECIES_VERSION = 0x01;
const PUBLIC_KEY_BYTES = 33;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + PUBLIC_KEY_BYTES + NONCE_BYTES;
/** Bytes an envelope adds to its plaintext. */
export const ECIES_OVERHEAD = HEADER_BYTES + TAG_BYTES;
const KDF_INFO = utf8ToBytes('stoa/ecies/v1');

/** Any failure to open an envelope: malformed, wrong key, tampered or wrong associated data. */
export class EciesError extends Error {
  override name = 'EciesError';
}

export type EciesKeyPair = {
  /** 32-byte secp256k1 secret key. */
  privateKey: Uint8Array;
  /** 33-byte SEC1 compressed public key: what the committee contract stores. */
  publicKey: Uint8Array;
};

/** A node's encryption key pair, from `privateKey` when given, else fresh. */
export function createEciesKeyPair(args: { privateKey?: Uint8Array } = {}): EciesKeyPair {
  const privateKey = args.privateKey ?? secp256k1.utils.randomSecretKey();
  return { privateKey, publicKey: secp256k1.getPublicKey(privateKey, true) };
}

/** The envelope key from the ECDH point (33 bytes compressed) and both public keys. */
function envelopeKey(
  shared: Uint8Array,
  ephemeralPublic: Uint8Array,
  recipientPublic: Uint8Array,
): Uint8Array {
  return hkdf(sha256, shared.subarray(1), concatBytes(ephemeralPublic, recipientPublic), KDF_INFO, 32);
}

export type EciesEncryptParameters = {
  /** Recipient's public key, compressed (33 bytes) or uncompressed (65 bytes). */
  publicKey: Uint8Array;
  plaintext: Uint8Array;
  /** Context the envelope is bound to; decryption needs the same bytes. */
  associatedData?: Uint8Array;
};

/** Seals `plaintext` to `publicKey`; returns the version-1 envelope. */
export function eciesEncrypt({
  publicKey,
  plaintext,
  associatedData = new Uint8Array(),
}: EciesEncryptParameters): Uint8Array {
  const recipient = secp256k1.Point.fromBytes(publicKey).toBytes(true);
  const ephemeral = createEciesKeyPair();
  const nonce = randomBytes(NONCE_BYTES);
  const header = concatBytes(Uint8Array.of(ECIES_VERSION), ephemeral.publicKey, nonce);
  const shared = secp256k1.getSharedSecret(ephemeral.privateKey, recipient, true);
  const key = envelopeKey(shared, ephemeral.publicKey, recipient);
  const sealed = xchacha20poly1305(key, nonce, concatBytes(header, associatedData)).encrypt(plaintext);
  return concatBytes(header, sealed);
}

export type EciesDecryptParameters = {
  /** Recipient's 32-byte secret key. */
  privateKey: Uint8Array;
  /** A version-1 envelope. */
  ciphertext: Uint8Array;
  /** The associated data the envelope was sealed with. */
  associatedData?: Uint8Array;
};

/** The ephemeral public key (33 bytes) of a version-1 envelope; throws `EciesError` when malformed. */
export function eciesEphemeralKey(ciphertext: Uint8Array): Uint8Array {
  if (ciphertext.length < ECIES_OVERHEAD) throw new EciesError('envelope too short');
  if (ciphertext[0] !== ECIES_VERSION) throw new EciesError(`unsupported envelope version ${ciphertext[0]}`);
  const ephemeral = ciphertext.subarray(1, 1 + PUBLIC_KEY_BYTES);
  try {
    secp256k1.Point.fromBytes(ephemeral).assertValidity();
  } catch {
    throw new EciesError('invalid ephemeral public key');
  }
  return ephemeral;
}

/** Opens a version-1 envelope; throws `EciesError` unless it authenticates. */
export function eciesDecrypt({
  privateKey,
  ciphertext,
  associatedData = new Uint8Array(),
}: EciesDecryptParameters): Uint8Array {
  const shared = secp256k1.getSharedSecret(privateKey, eciesEphemeralKey(ciphertext), true);
  return eciesOpen({
    shared,
    recipientPublic: secp256k1.getPublicKey(privateKey, true),
    ciphertext,
    associatedData,
  });
}

export type EciesOpenParameters = {
  /** The ECDH point (secret key times ephemeral key), 33 bytes compressed: what a complaint reveals. */
  shared: Uint8Array;
  /** Recipient's public key, 33 bytes compressed. */
  recipientPublic: Uint8Array;
  ciphertext: Uint8Array;
  associatedData?: Uint8Array;
};

/**
 * Opens an envelope with its ECDH point instead of the secret key: anyone given the point (with a
 * proof that it is the right one, see `agents/privacy/complaints.ts`) can check what the envelope
 * holds. Throws `EciesError` unless it authenticates.
 */
export function eciesOpen({
  shared,
  recipientPublic,
  ciphertext,
  associatedData = new Uint8Array(),
}: EciesOpenParameters): Uint8Array {
  const ephemeralPublic = eciesEphemeralKey(ciphertext);
  const header = ciphertext.subarray(0, HEADER_BYTES);
  const nonce = ciphertext.subarray(1 + PUBLIC_KEY_BYTES, HEADER_BYTES);
  const key = envelopeKey(shared, ephemeralPublic, recipientPublic);
  try {
    return xchacha20poly1305(key, nonce, concatBytes(header, associatedData)).decrypt(
      ciphertext.subarray(HEADER_BYTES),
    );
  } catch {
    throw new EciesError('authentication failed');
  }
}
