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

/** The envelope key from our `secret` and the other side's public key (`peerPublic`). */
function deriveKey(args: {
  secret: Uint8Array;
  peerPublic: Uint8Array;
  ephemeralPublic: Uint8Array;
  recipientPublic: Uint8Array;
}): Uint8Array {
  const shared = secp256k1.getSharedSecret(args.secret, args.peerPublic, true).subarray(1);
  return hkdf(sha256, shared, concatBytes(args.ephemeralPublic, args.recipientPublic), KDF_INFO, 32);
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
  const key = deriveKey({
    secret: ephemeral.privateKey,
    peerPublic: recipient,
    ephemeralPublic: ephemeral.publicKey,
    recipientPublic: recipient,
  });
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

/** Opens a version-1 envelope; throws `EciesError` unless it authenticates. */
export function eciesDecrypt({
  privateKey,
  ciphertext,
  associatedData = new Uint8Array(),
}: EciesDecryptParameters): Uint8Array {
  if (ciphertext.length < ECIES_OVERHEAD) throw new EciesError('envelope too short');
  if (ciphertext[0] !== ECIES_VERSION) throw new EciesError(`unsupported envelope version ${ciphertext[0]}`);
  const header = ciphertext.subarray(0, HEADER_BYTES);
  const ephemeralPublic = ciphertext.subarray(1, 1 + PUBLIC_KEY_BYTES);
  const nonce = ciphertext.subarray(1 + PUBLIC_KEY_BYTES, HEADER_BYTES);
  const recipient = secp256k1.getPublicKey(privateKey, true);
  let key: Uint8Array;
  try {
    key = deriveKey({
      secret: privateKey,
      peerPublic: ephemeralPublic,
      ephemeralPublic,
      recipientPublic: recipient,
    });
  } catch {
    throw new EciesError('invalid ephemeral public key');
  }
  try {
    return xchacha20poly1305(key, nonce, concatBytes(header, associatedData)).decrypt(
      ciphertext.subarray(HEADER_BYTES),
    );
  } catch {
    throw new EciesError('authentication failed');
  }
}
