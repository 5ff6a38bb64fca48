/**
 * Issue 16 (low): encryption keys rotate per epoch. The contract refuses a key an earlier epoch
 * registered (`test_setCommittee_encryptionKeyUsed`); a node holds one key per epoch it serves and
 * opens each computation's inputs with the key registered for that computation's epoch. And the
 * mesh handshake is authenticated with the node's signing key (its on-chain address), not with
 * the encryption key: a stolen encryption key no longer lets the thief pass for the node.
 */

import { hexToBytes } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import {
  deriveEncryptionKey,
  encryptionKeyFor,
  encryptionPublicKey,
  meshPeer,
} from '../../agents/privacy/mpc-node/role.js';
import { UnrecoverableError } from '../../agents/runtime/index.js';

const signing = generatePrivateKey();

describe('encryption keys per epoch (issue 16)', () => {
  it('the demo derives a different key in every epoch', () => {
    const keys = [1n, 2n, 3n].map((epoch) => deriveEncryptionKey(signing, epoch));
    expect(new Set(keys).size).toBe(3);
    expect(new Set(keys.map(encryptionPublicKey)).size).toBe(3);
    expect(deriveEncryptionKey(signing)).toBe(keys[0]);
  });

  it('a node picks the key registered for the epoch from its configured keys', () => {
    const keys = [generatePrivateKey(), generatePrivateKey()];
    for (const [epoch, key] of keys.entries()) {
      expect(encryptionKeyFor(keys, signing, BigInt(epoch + 1), encryptionPublicKey(key))).toBe(key);
    }
    expect(() => encryptionKeyFor(keys, signing, 3n, encryptionPublicKey(generatePrivateKey()))).toThrow(
      UnrecoverableError,
    );
  });

  it('without configured keys, the demo key of the epoch', () => {
    const registered = encryptionPublicKey(deriveEncryptionKey(signing, 2n));
    expect(encryptionKeyFor(undefined, signing, 2n, registered)).toBe(deriveEncryptionKey(signing, 2n));
    expect(() => encryptionKeyFor(undefined, signing, 1n, registered)).toThrow(UnrecoverableError);
  });
});

describe('mesh handshake key (issue 16)', () => {
  const peer = privateKeyToAccount(generatePrivateKey());
  const entry = { address: peer.address, host: '127.0.0.1', port: 1 };

  it("checks a peer's handshake against the key of its on-chain address", () => {
    const mesh = meshPeer([{ ...entry, public_key: peer.publicKey }], peer.address, 1);
    expect(mesh).toEqual({ id: 1, host: '127.0.0.1', port: 1, publicKey: hexToBytes(peer.publicKey) });
  });

  it("refuses a configured key that is not the address's (e.g. the peer's encryption key)", () => {
    const encryption = encryptionPublicKey(deriveEncryptionKey(generatePrivateKey()));
    expect(() => meshPeer([{ ...entry, public_key: encryption }], peer.address, 1)).toThrow(
      UnrecoverableError,
    );
    expect(() => meshPeer([], peer.address, 1)).toThrow(UnrecoverableError);
  });
});
