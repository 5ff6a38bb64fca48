/** The node config: defaults, and rejection of bad keys and committees. */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { parseMpcNodeConfig } from '../../../agents/privacy/mpc/config.js';

const key = () => secp256k1.utils.randomSecretKey();
const pub = () => bytesToHex(secp256k1.getPublicKey(key()));

function config(overrides: Record<string, unknown> = {}) {
  return {
    id: 0,
    secretKey: bytesToHex(key()),
    listen: { port: 7000 },
    peers: [
      { id: 1, port: 7001, publicKey: pub() },
      { id: 2, port: 7002, publicKey: `0x${pub()}` },
    ],
    ...overrides,
  };
}

describe('mpc node config', () => {
  it('fills in defaults', () => {
    const parsed = parseMpcNodeConfig(config());
    expect(parsed).toMatchObject({
      mode: 'malicious',
      committee: 'stoa-mpc-local',
      listen: { host: '127.0.0.1', port: 7000 },
      roundTimeoutMs: 30_000,
      maxFrameBytes: 256 * 2 ** 20,
    });
    expect(parsed.secretKey).toHaveLength(32);
    expect(parsed.peers[1]!.publicKey).toHaveLength(33);
  });

  it('rejects a bad secret key, a short public key and a committee without three distinct ids', () => {
    expect(() => parseMpcNodeConfig(config({ secretKey: '00'.repeat(32) }))).toThrow(/secretKey/);
    expect(() =>
      parseMpcNodeConfig(config({ peers: [{ id: 1, port: 1, publicKey: 'abcd' }, config().peers[1]] })),
    ).toThrow();
    expect(() =>
      parseMpcNodeConfig(config({ peers: [config().peers[0], { ...config().peers[0] }] })),
    ).toThrow(/two other ids/);
    expect(() => parseMpcNodeConfig(config({ mode: 'honest' }))).toThrow();
  });
});
