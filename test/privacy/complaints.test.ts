/**
 * Complaints about inputs (issue 16): the DLEQ proof that a revealed ECDH point is the node's, and
 * opening an envelope with that point exactly as the node would.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes, zeroAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  decodeComplaints,
  encodeComplaints,
  proveSharedPoint,
  verifySharedPoint,
} from '../../agents/privacy/complaints.js';
import { createEciesKeyPair, eciesEphemeralKey } from '../../agents/privacy/ecies.js';
import { decryptInput, encryptInput, InputError, openInputWithPoint } from '../../agents/privacy/inputs.js';

const context = { chainId: 31337, committee: zeroAddress, computationId: 1n, submitter: zeroAddress };
const where = new TextEncoder().encode('computation 1, input 0, node 1');

describe('complaints', () => {
  const nodes = [0, 1, 2].map(() => createEciesKeyPair());
  const input = encryptInput({
    values: [42n],
    encryptionKeys: nodes.map((k) => bytesToHex(k.publicKey)),
    context,
  });
  const ephemeral = eciesEphemeralKey(hexToBytes(input.ciphertexts[1]!));

  it('proves the ECDH point, and anyone opens the envelope with it as the node would', () => {
    const proof = proveSharedPoint(nodes[1]!.privateKey, ephemeral, where);
    expect(verifySharedPoint(nodes[1]!.publicKey, ephemeral, proof, where)).toBe(true);
    const opening = {
      nodeIndex: 1,
      ciphertext: input.ciphertexts[1]!,
      commitment: input.commitment,
      context,
    };
    expect(
      openInputWithPoint({ ...opening, shared: proof.shared, recipientPublic: nodes[1]!.publicKey }),
    ).toEqual(decryptInput({ ...opening, privateKey: nodes[1]!.privateKey }));
    // The envelope opens: a complaint about it would be false.
    expect(() =>
      openInputWithPoint({
        ...opening,
        ciphertext: input.ciphertexts[2]!,
        shared: proof.shared,
        recipientPublic: nodes[1]!.publicKey,
      }),
    ).toThrow(InputError);
  });

  it('refuses a point that is not the node’s, a proof for another place or key, and tampered scalars', () => {
    const proof = proveSharedPoint(nodes[1]!.privateKey, ephemeral, where);
    const otherPoint = secp256k1.getSharedSecret(nodes[2]!.privateKey, ephemeral, true);
    expect(verifySharedPoint(nodes[1]!.publicKey, ephemeral, { ...proof, shared: otherPoint }, where)).toBe(
      false,
    );
    expect(verifySharedPoint(nodes[1]!.publicKey, ephemeral, proof, new Uint8Array([1]))).toBe(false);
    expect(verifySharedPoint(nodes[2]!.publicKey, ephemeral, proof, where)).toBe(false);
    expect(verifySharedPoint(nodes[1]!.publicKey, ephemeral, { ...proof, s: proof.s + 1n }, where)).toBe(
      false,
    );
    expect(verifySharedPoint(nodes[1]!.publicKey, ephemeral, { ...proof, c: proof.c ^ 1n }, where)).toBe(
      false,
    );
    expect(
      verifySharedPoint(nodes[1]!.publicKey, ephemeral, { ...proof, shared: new Uint8Array(33) }, where),
    ).toBe(false);
    // A forger who knows only public values: a random point with a random proof.
    const forged = { shared: otherPoint, c: 5n, s: 7n };
    expect(verifySharedPoint(nodes[1]!.publicKey, ephemeral, forged, where)).toBe(false);
  });

  it('round-trips complaint messages in whole words and refuses malformed ones', () => {
    const proof = proveSharedPoint(nodes[0]!.privateKey, ephemeral, where);
    const message = encodeComplaints([{ index: 3 }, { index: 70_000, proof }]);
    expect(message.length % 4).toBe(0);
    expect(decodeComplaints(message)).toEqual([{ index: 3 }, { index: 70_000, proof }]);
    expect(decodeComplaints(encodeComplaints([]))).toEqual([]);
    expect(() => decodeComplaints(message.subarray(0, message.length - 4))).toThrow(/malformed/);
    const badKind = message.slice();
    badKind[4 + 7] = 9;
    expect(() => decodeComplaints(badKind)).toThrow(/malformed/);
  });
});
