import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import {
  createEciesKeyPair,
  ECIES_OVERHEAD,
  ECIES_VERSION,
  EciesError,
  eciesDecrypt,
  eciesEncrypt,
} from '../../agents/privacy/ecies.js';

const recipient = createEciesKeyPair();
const aad = new TextEncoder().encode('context');
const plaintext = Uint8Array.from({ length: 115 }, (_, i) => i);

function seal(data = plaintext): Uint8Array {
  return eciesEncrypt({ publicKey: recipient.publicKey, plaintext: data, associatedData: aad });
}

function open(ciphertext: Uint8Array, privateKey = recipient.privateKey, associatedData = aad): Uint8Array {
  return eciesDecrypt({ privateKey, ciphertext, associatedData });
}

describe('ECIES envelope', () => {
  it('round-trips payloads of any length', () => {
    for (const length of [0, 1, 115, 4096]) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 7) & 0xff);
      const ciphertext = seal(data);
      expect(ciphertext.length).toBe(length + ECIES_OVERHEAD);
      expect(open(ciphertext)).toEqual(data);
    }
  });

  it('follows the wire format: version, compressed ephemeral key, nonce, body, tag', () => {
    const ciphertext = seal();
    expect(ciphertext[0]).toBe(ECIES_VERSION);
    expect(() => secp256k1.Point.fromBytes(ciphertext.subarray(1, 34))).not.toThrow();
    expect([0x02, 0x03]).toContain(ciphertext[1]);
    expect(ciphertext.length).toBe(1 + 33 + 24 + plaintext.length + 16);
  });

  it('uses a fresh ephemeral key and nonce per message', () => {
    const a = seal();
    const b = seal();
    expect(a.subarray(1, 34)).not.toEqual(b.subarray(1, 34));
    expect(a.subarray(34, 58)).not.toEqual(b.subarray(34, 58));
    expect(a.subarray(58)).not.toEqual(b.subarray(58));
  });

  it('accepts an uncompressed recipient key', () => {
    const uncompressed = secp256k1.getPublicKey(recipient.privateKey, false);
    const ciphertext = eciesEncrypt({ publicKey: uncompressed, plaintext, associatedData: aad });
    expect(open(ciphertext)).toEqual(plaintext);
  });

  it('rejects a flipped bit anywhere: version, ephemeral key, nonce, body, tag', () => {
    const ciphertext = seal();
    for (const offset of [0, 1, 20, 34, 57, 58, 100, ciphertext.length - 16, ciphertext.length - 1]) {
      const tampered = ciphertext.slice();
      tampered[offset]! ^= 0x01;
      expect(() => open(tampered), `offset ${offset}`).toThrow(EciesError);
    }
  });

  it('rejects a truncated or extended envelope', () => {
    const ciphertext = seal();
    expect(() => open(ciphertext.subarray(0, ECIES_OVERHEAD - 1))).toThrow(EciesError);
    expect(() => open(ciphertext.subarray(0, ciphertext.length - 1))).toThrow(EciesError);
    expect(() => open(Uint8Array.of(...ciphertext, 0))).toThrow(EciesError);
  });

  it('rejects the wrong key', () => {
    expect(() => open(seal(), createEciesKeyPair().privateKey)).toThrow(/authentication failed/);
  });

  it('rejects other associated data', () => {
    expect(() => open(seal(), recipient.privateKey, new TextEncoder().encode('other'))).toThrow(
      /authentication failed/,
    );
    expect(() => open(seal(), recipient.privateKey, new Uint8Array())).toThrow(EciesError);
  });

  it('rejects an ephemeral key that is not a curve point', () => {
    const ciphertext = seal();
    ciphertext.fill(0xff, 2, 34);
    expect(() => open(ciphertext)).toThrow(/invalid ephemeral public key/);
  });
});
