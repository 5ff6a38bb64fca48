/**
 * Issue 16 (low): the size limits agree end to end. The contract caps inputs per computation and
 * ciphertext bytes per input (`MpcCommittee.MAX_INPUTS`, `MAX_CIPHERTEXT_BYTES`); clients refuse
 * an input that would not fit, and a node's frame limit carries the largest MPC message of any
 * computation the contract accepts.
 */
import { bytesToHex, zeroAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { createEciesKeyPair } from '../../agents/privacy/ecies.js';
import {
  encryptInput,
  InputError,
  MAX_CIPHERTEXT_BYTES,
  MAX_INPUT_VALUES,
  MAX_INPUTS,
} from '../../agents/privacy/inputs.js';
import { planeWords } from '../../agents/privacy/mpc/bits.js';
import { type Job, runJob } from '../../agents/privacy/mpc/jobs.js';
import { createMemoryLinks } from '../../agents/privacy/mpc/memory.js';
import { createParty } from '../../agents/privacy/mpc/party.js';
import { MIN_FRAME_BYTES, mpcNodeSettings } from '../../agents/privacy/mpc-node/role.js';

const encryptionKeys = [0, 1, 2].map(() => bytesToHex(createEciesKeyPair().publicKey));
const context = { chainId: 31337, committee: zeroAddress, computationId: 1n, submitter: zeroAddress };
const bytes = (hex: string) => (hex.length - 2) / 2;

/** Largest message any party sends while the three run `job` in malicious mode. */
async function largestMessage(job: (n: number) => Job, n: number): Promise<number> {
  let largest = 0;
  const links = createMemoryLinks({
    tap: (_from, _to, data) => {
      largest = Math.max(largest, data.length);
      return data;
    },
  });
  await Promise.all(links.map((link) => runJob(createParty({ link, mode: 'malicious' }), job(n))));
  return largest;
}

describe('size limits (issue 16)', () => {
  it('a 2,000-holder cap table fits the on-chain ciphertext cap, and so does the largest input', () => {
    const holders = encryptInput({ values: Array(2000).fill(1n), encryptionKeys, context });
    expect(holders.ciphertexts.map(bytes)).toEqual(Array(3).fill(32_173));
    const largest = encryptInput({ values: Array(MAX_INPUT_VALUES).fill(1n), encryptionKeys, context });
    for (const ct of largest.ciphertexts) expect(bytes(ct)).toBeLessThanOrEqual(MAX_CIPHERTEXT_BYTES);
    expect(MAX_INPUT_VALUES).toBe(4085);
  });

  it('a client refuses an input the contract would refuse', () => {
    expect(() => encryptInput({ values: Array(4_086).fill(1n), encryptionKeys, context })).toThrow(
      InputError,
    );
  });

  it('the frame limit carries the largest MPC message under the on-chain caps', async () => {
    const capTable = await largestMessage(
      (n) => ({
        id: 'cap',
        kind: 'holder-cap',
        balances: { a: new Uint32Array(2 * n), b: new Uint32Array(2 * n) },
        cap: 10n,
      }),
      MAX_INPUT_VALUES,
    );
    const ballot = await largestMessage(
      (n) => ({
        id: 'ballot',
        kind: 'ballot',
        options: 3,
        voters: n,
        choices: { a: new Uint32Array(2 * planeWords(n)), b: new Uint32Array(2 * planeWords(n)) },
        weights: { public: Array(n).fill(1n) },
      }),
      MAX_INPUTS,
    );
    expect(Math.max(capTable, ballot)).toBeLessThanOrEqual(MIN_FRAME_BYTES);
    const settings = {
      listen: { port: 1 },
      peers: [2, 3].map((port) => ({ address: zeroAddress, public_key: encryptionKeys[0], host: 'h', port })),
    };
    expect(mpcNodeSettings.safeParse({ ...settings, max_frame_bytes: MIN_FRAME_BYTES - 1 }).success).toBe(
      false,
    );
    expect(mpcNodeSettings.parse(settings).max_frame_bytes).toBeGreaterThanOrEqual(MIN_FRAME_BYTES);
  }, 60_000);
});
