/**
 * `mpc-node` role: one node of the MPC committee, driven by the MpcCommittee contract.
 *
 * - `ComputationRequested` schedules a `compute` task at the computation's input deadline (inputs
 *   are closed by the deadline: the contract accepts a result only after it). The sweep re-derives
 *   computations that are computing and have no result, so a lost task is done anyway.
 * - `compute` reads the committee of the computation's epoch (nodes, encryption keys) at the safe
 *   block, folds the `InputSubmitted` logs into the inputs commitment and checks it against the
 *   contract, keeps the last input per submitter, opens this node's ECIES payload of each and checks
 *   it against the input's commitment. An input a node cannot use is excluded only on its
 *   complaint with proof (complaints.ts), checked by the others (a false one aborts); the three
 *   compare the input set, run the computation with the MPC library over the mesh (peer channels
 *   authenticated with the encryption keys registered on chain), compare the result digests, record
 *   the result in Redis (never sign a second one), sign the EIP-712 result (binding the input set),
 *   exchange signatures, check them, and post the result with the signatures (node i waits
 *   i * `post_delay_ms` and posts only if nobody did).
 * - Idempotent and crash-safe: a finalized computation is skipped; every run is a fresh MPC session
 *   whose attempt number the three nodes agree on first (the highest of their Redis counters + 1,
 *   so a node restarted after a crash joins the others' next attempt); a peer that crashes or goes
 *   silent fails the attempt with `MpcTimeoutError` after `round_timeout_ms` and the task retries;
 *   an abort (a check failed: a deviating node) posts nothing. A node signs at most one result per
 *   computation (the first, kept in Redis), so a peer cannot make it equivocate.
 * - Logs carry ids, counts, sizes and timings, never a share, an input or a key.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  type Address,
  bytesToHex,
  concat,
  type Hex,
  hexToBytes,
  keccak256,
  recoverTypedDataAddress,
  stringToBytes,
  toBytes,
  zeroAddress,
  zeroHash,
} from 'viem';
import { privateKeyToAccount, publicKeyToAddress } from 'viem/accounts';
import { z } from 'zod';
import { governanceAbi, mpcCommitteeAbi, neuronsAbi } from '../../generated/abis.js';
import {
  defineRole,
  loadPrivateKey,
  type Role,
  type RoleContext,
  schemas,
  UnrecoverableError,
} from '../../runtime/index.js';
import { sleep } from '../../runtime/time.js';
import {
  type Complaint,
  decodeComplaints,
  encodeComplaints,
  proveSharedPoint,
  verifySharedPoint,
} from '../complaints.js';
import {
  ComputationKind,
  type ComputationOutput,
  type ComputationParams,
  ComputationStatus,
  decodeParams,
  encodeOutput,
  inputProvider,
  inputShape,
} from '../computations.js';
import { eciesEphemeralKey } from '../ecies.js';
import {
  decryptInput,
  type InputContext,
  InputError,
  inputSetHash,
  nextInputsCommitment,
  openInputWithPoint,
  type ShareVector,
} from '../inputs.js';
import { planeWords } from '../mpc/bits.js';
import type { Job } from '../mpc/jobs.js';
import { runJob } from '../mpc/jobs.js';
import {
  asBytes,
  asWords,
  type Link,
  MpcAbortError,
  MpcError,
  neighbourId,
  type PartyId,
} from '../mpc/link.js';
import { createParty, type Share } from '../mpc/party.js';
import { fromBigints } from '../mpc/ring.js';
import { createTcpMesh, type Mesh, type PeerAddress, type Session } from '../mpc/tcp.js';
import { type ComputationResult, resultDigest, resultTypedData, signResult } from '../results.js';

/** Most attempts a computation may be given; a higher announced attempt number is refused. */
export const MAX_ATTEMPTS = 100;

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'address');

/**
 * Smallest `max_frame_bytes`: room for the largest MPC message of a computation the contract
 * accepts (`MAX_INPUTS` ballots: 3.1 MB; a cap table of `MAX_INPUT_VALUES` holders: 1.6 MB).
 */
export const MIN_FRAME_BYTES = 4 * 2 ** 20;

export const mpcNodeSettings = z.strictObject({
  /** Where this node accepts its peers. */
  listen: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535),
  }),
  /**
   * The other committee nodes: on-chain address, the public key of that address (the mesh
   * handshake is signed with the node's signing key and checked against it), network location.
   */
  peers: z
    .array(
      z.strictObject({
        address,
        public_key: z.string().regex(/^0x(0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128})$/, 'secp256k1 public key'),
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(1).max(65535),
      }),
    )
    .min(2),
  mode: z.enum(['semi-honest', 'malicious']).default('malicious'),
  /**
   * Environment variable with the node's 32-byte encryption keys, comma-separated: one per epoch it
   * serves (each epoch registers fresh keys); unset: derived from the signing key per epoch (demo).
   */
  encryption_key_env: z.string().default('STOA_MPC_ENCRYPTION_KEY'),
  max_frame_bytes: z
    .number()
    .int()
    .min(MIN_FRAME_BYTES)
    .max(2 ** 31)
    .default(64 * 2 ** 20),
  round_timeout_ms: z.number().int().positive().default(30_000),
  connect_timeout_ms: z.number().int().positive().default(30_000),
  /** MPC attempts per computation (timeouts, aborts) before the node gives up on it. */
  max_attempts: z.number().int().min(1).max(MAX_ATTEMPTS).default(5),
  /** Node i waits i times this before posting the result (the first node usually posts alone). */
  post_delay_ms: z.number().int().min(0).default(2_000),
  /** Most recent computations the sweep looks at. */
  sweep_window: z.number().int().min(1).max(10_000).default(100),
});
export type MpcNodeSettings = z.infer<typeof mpcNodeSettings>;
type Ctx = RoleContext<MpcNodeSettings>;

/**
 * The demo's encryption key of a node in an epoch: keccak256("stoa/mpc-encryption/v1" || signing key
 * || uint64 epoch), fresh per epoch as the contract wants. Used when no encryption key is
 * configured; the deploy script registers the matching public keys of epoch 1.
 */
export function deriveEncryptionKey(signingKey: Hex, epoch = 1n): Hex {
  return keccak256(
    concat([stringToBytes('stoa/mpc-encryption/v1'), hexToBytes(signingKey), toBytes(epoch, { size: 8 })]),
  );
}

/**
 * This node's encryption key for an epoch: the one of `keys` whose public key is `registered` (the
 * key the epoch registered for the node); without `keys`, the demo key of that epoch.
 */
export function encryptionKeyFor(
  keys: readonly Hex[] | undefined,
  signingKey: Hex,
  epoch: bigint,
  registered: Hex,
): Hex {
  const candidates = keys ?? [deriveEncryptionKey(signingKey, epoch)];
  const key = candidates.find((k) => encryptionPublicKey(k) === registered.toLowerCase());
  if (!key) {
    throw new UnrecoverableError(
      `no encryption key of this node matches the one registered for it in epoch ${epoch}`,
    );
  }
  return key;
}

/**
 * The mesh entry of committee node `node` (position `id`) from `role.peers`: its handshake is
 * checked against the configured public key, which must be the key of its on-chain address (the
 * encryption key, a separate secret, plays no part in the mesh).
 */
export function meshPeer(peers: MpcNodeSettings['peers'], node: Address, id: PartyId): PeerAddress {
  const peer = peers.find((p) => p.address.toLowerCase() === node.toLowerCase());
  if (!peer) throw new UnrecoverableError(`role.peers has no entry for committee node ${node}`);
  const publicKey = hexToBytes(peer.public_key as Hex);
  let uncompressed: Hex | undefined;
  try {
    uncompressed = bytesToHex(secp256k1.Point.fromBytes(publicKey).toBytes(false));
  } catch {}
  if (!uncompressed || publicKeyToAddress(uncompressed).toLowerCase() !== node.toLowerCase()) {
    throw new UnrecoverableError(`role.peers: public_key of ${node} is not the key of that address`);
  }
  return { id, host: peer.host, port: peer.port, publicKey };
}

/** 33-byte compressed public key of an encryption key. */
export function encryptionPublicKey(secretKey: Hex): Hex {
  return bytesToHex(secp256k1.getPublicKey(hexToBytes(secretKey), true));
}

export type MpcNodeRoleOptions = {
  /** Signing key (default: the agent's key from `sender.key_file` / `sender.key_env`). */
  signingKey?: Hex;
  /** Encryption keys, one per epoch (default: `role.encryption_key_env`, else derived per epoch). */
  encryptionKeys?: readonly Hex[];
  /** Test hook: rewrites every protocol message this node sends (a deviating node). */
  tamper?: (data: Uint8Array) => Uint8Array;
  /** Test hooks: a node that deviates around the MPC (inputs, signatures). */
  misbehave?: Misbehaviour;
};

/** What a deviating test node does (`MpcNodeRoleOptions.misbehave`). */
export type Misbehaviour = {
  /** Input indices (on chain) this node claims it could not open, in `attempt`. */
  rejectInputs?: (attempt: number) => readonly number[];
  /** In `attempt`, keep its own signature, take the peers' and give up. */
  withholdSignature?: (attempt: number) => boolean;
  /** Every signature a peer sends this node, with the message it signs. */
  onPeerSignature?: (signature: Hex, result: ComputationResult) => void;
};

type Committee = { epoch: bigint; nodes: readonly Address[]; keys: readonly Hex[]; threshold: bigint };
type Input = {
  /** On-chain index (`InputSubmitted.index`). */
  index: number;
  submitter: Address;
  commitment: Hex;
  ciphertexts: readonly Hex[];
  /** This node's shares; absent when it cannot use its payload (it then complains). */
  shares?: readonly [ShareVector, ShareVector];
};

const SIGNATURE_WORDS = 17; // 65 bytes padded to whole words

/** The role with its keys and hooks bound; `mpcNode` is the registered instance. */
export function createMpcNodeRole(options: MpcNodeRoleOptions = {}): Role {
  let keys: { signing: Hex; encryption: readonly Hex[] | undefined } | undefined;
  let mesh: { epoch: bigint; mesh: Promise<Mesh> } | undefined;
  /** Computations this process is computing: a second task for one of them (deadline and sweep) is dropped. */
  const running = new Set<bigint>();

  function keysOf(ctx: Ctx) {
    if (!keys) {
      const signing = options.signingKey ?? loadPrivateKey({ sender: ctx.settings.sender });
      const fromEnv = process.env[ctx.config.encryption_key_env];
      const encryption =
        options.encryptionKeys ?? (fromEnv ? fromEnv.split(',').map((k) => k.trim() as Hex) : undefined);
      keys = { signing, encryption };
    }
    return keys;
  }

  function meshFor(ctx: Ctx, committee: Committee, me: PartyId): Promise<Mesh> {
    if (mesh?.epoch === committee.epoch) return mesh.mesh;
    const previous = mesh;
    const peers = committee.nodes.flatMap((node, j) =>
      j === me ? [] : [meshPeer(ctx.config.peers, node, j as PartyId)],
    );
    const created = (async () => {
      if (previous) await (await previous.mesh.catch(() => undefined))?.close();
      const m = await createTcpMesh({
        id: me,
        secretKey: hexToBytes(keysOf(ctx).signing),
        listen: ctx.config.listen,
        peers,
        committee: `${ctx.chain.id}:${ctx.contracts.mpcCommittee!.toLowerCase()}:${committee.epoch}`,
        maxFrameBytes: ctx.config.max_frame_bytes,
        logger: ctx.logger,
      });
      ctx.signal.addEventListener('abort', () => void m.close(), { once: true });
      return m;
    })();
    mesh = { epoch: committee.epoch, mesh: created };
    created.catch(() => {
      if (mesh?.mesh === created) mesh = undefined;
    });
    return created;
  }

  async function compute(ctx: Ctx, computationId: bigint) {
    const committeeAddress = ctx.contracts.mpcCommittee! as Address;
    const read = { address: committeeAddress, abi: mpcCommitteeAbi } as const;
    const blockNumber = await ctx.safeBlock();
    const [computation, [status], block] = await Promise.all([
      ctx.chain.client.readContract({
        ...read,
        functionName: 'computation',
        args: [computationId],
        blockNumber,
      }),
      ctx.chain.client.readContract({ ...read, functionName: 'result', args: [computationId], blockNumber }),
      ctx.chain.client.getBlock({ blockNumber }),
    ]);
    const log = ctx.logger.child({ computation_id: computationId.toString(), kind: computation.kind });
    if (status === ComputationStatus.Finalized) return log.info('mpc computation already finalized');
    if (status === ComputationStatus.Expired || status === ComputationStatus.Cancelled)
      return log.info({ status }, 'mpc computation closed without a result (expired or cancelled)');
    if (block.timestamp < computation.inputDeadline) {
      throw new Error(`inputs of computation ${computationId} still open at the safe block`);
    }
    const [nodes, encryptionKeys, threshold] = await ctx.chain.client.readContract({
      ...read,
      functionName: 'committee',
      args: [computation.epoch],
      blockNumber,
    });
    const committee: Committee = { epoch: computation.epoch, nodes, keys: encryptionKeys, threshold };
    const { signing, encryption: encryptionKeySet } = keysOf(ctx);
    const account = privateKeyToAccount(signing);
    const me = nodes.findIndex((n) => n.toLowerCase() === account.address.toLowerCase());
    if (me < 0) return log.info({ epoch: committee.epoch.toString() }, 'not a member of the epoch');
    if (nodes.length !== 3)
      throw new UnrecoverableError(
        `the MPC protocol needs 3 nodes, epoch ${committee.epoch} has ${nodes.length}`,
      );
    const encryption = encryptionKeyFor(encryptionKeySet, signing, committee.epoch, encryptionKeys[me]!);

    // Parameters and inputs from the logs, checked against the contract's running commitment.
    const [requested] = await ctx.events({
      ...read,
      eventName: 'ComputationRequested',
      args: { computationId },
      toBlock: blockNumber,
      limit: 1,
    });
    if (!requested) throw new Error(`ComputationRequested of computation ${computationId} not found`);
    let params: ComputationParams;
    try {
      params = decodeParams(computation.kind, requested.args.params);
    } catch (error) {
      log.error({ reason: (error as Error).message }, 'mpc computation has bad parameters');
      return;
    }
    const logs = await ctx.events({
      ...read,
      eventName: 'InputSubmitted',
      args: { computationId },
      fromBlock: requested.blockNumber,
      toBlock: blockNumber,
    });
    logs.sort((a, b) => Number(a.args.index - b.args.index));
    let folded: Hex = zeroHash;
    for (const l of logs) folded = nextInputsCommitment({ previous: folded, ...l.args });
    if (folded !== computation.inputsCommitment || logs.length !== computation.inputCount) {
      throw new Error(`inputs of computation ${computationId} do not match the on-chain commitment yet`);
    }
    // The last input of each submitter counts, in submission order; for the cap-table checks
    // only the provider's (anyone may call submitInput: a stranger's balance must not count).
    const provider = inputProvider(params)?.toLowerCase();
    const allowed = logs.filter((l) => !provider || l.args.submitter.toLowerCase() === provider);
    const last = new Map(allowed.map((l) => [l.args.submitter.toLowerCase(), l]));
    // A ballot from a submitter without voting power would count for nothing: it is not computed on.
    const weights =
      params.kind === ComputationKind.SecretBallot
        ? await ballotWeights(ctx, params, blockNumber)
        : undefined;
    const counted = allowed.filter(
      (l) =>
        last.get(l.args.submitter.toLowerCase()) === l &&
        (!weights || (weights.get(l.args.submitter.toLowerCase()) ?? 0n) > 0n),
    );
    const shape = inputShape(params);
    const opener = {
      context: (submitter: Address) => ({
        chainId: ctx.chain.id,
        committee: committeeAddress,
        computationId,
        submitter,
      }),
      complaintContext: (node: number, index: number) =>
        stringToBytes(`${ctx.chain.id}:${committeeAddress.toLowerCase()}:${computationId}:${node}:${index}`),
      shape,
    };
    const inputs: Input[] = counted.map((l) => {
      const input = {
        index: Number(l.args.index),
        submitter: l.args.submitter,
        commitment: l.args.commitment,
        ciphertexts: l.args.ciphertexts,
      };
      try {
        const shares = checkShape(
          decryptInput({
            privateKey: hexToBytes(encryption),
            nodeIndex: me,
            ciphertext: input.ciphertexts[me]!,
            commitment: input.commitment,
            context: opener.context(input.submitter),
          }),
          shape,
        );
        return { ...input, shares };
      } catch (error) {
        log.warn({ input_index: input.index, reason: (error as Error).message }, 'mpc input rejected');
        return input;
      }
    });
    // Both peers connected, then the three agree on the attempt number (the highest proposed):
    // a node that is down or busy consumes none, and counters that drifted apart (a node that
    // crashed through a whole attempt of its peers, or tried alone) meet again.
    const m = await meshFor(ctx, committee, me as PartyId);
    await m.ready(ctx.config.connect_timeout_ms);
    const base = `${ctx.chain.id}:${committeeAddress.toLowerCase()}:${computationId}`;
    const attemptKey = `${ctx.key}:mpc-node:attempt:${committeeAddress.toLowerCase()}:${computationId}`;
    const proposal = Number((await ctx.redis.get(attemptKey)) ?? 0) + 1;
    const attempt = await agreeOnAttempt(
      m.channel(`${base}#attempt`, ctx.config.connect_timeout_ms),
      proposal,
    );
    await ctx.redis.set(attemptKey, attempt, 'EX', 30 * 86_400);
    if (attempt > ctx.config.max_attempts) {
      return log.error({ attempts: attempt - 1 }, 'mpc computation given up');
    }
    const runLog = log.child({ attempt, node: me });
    const started = performance.now();
    let session: Session | undefined;
    try {
      const opened = await m.session(`${base}#${attempt}`, ctx.config.round_timeout_ms);
      session = opened;
      runLog.info({ inputs: inputs.length, mode: ctx.config.mode }, 'mpc computation started');
      // A node that claims it cannot open an input must prove it (complaints.ts); the three then
      // use the same inputs, and sign their hash with the result.
      const rejected = options.misbehave?.rejectInputs?.(attempt) ?? [];
      const own: Complaint[] = inputs
        .filter((input) => !input.shares || rejected.includes(input.index))
        .map((input) => complain(input, me, hexToBytes(encryption), opener));
      const { used, inputSet } = await agreeOnInputs(session, me as PartyId, inputs, own, (from, complaint) =>
        complaintHolds(complaint, from, inputs, committee, opener),
      );
      for (const input of inputs) {
        if (!used.includes(input)) runLog.warn({ input_index: input.index }, 'mpc input excluded');
      }
      const link: Link = options.tamper
        ? { ...opened, send: (to, data) => opened.send(to, options.tamper!(data)) }
        : opened;
      const party = createParty({ link, mode: ctx.config.mode });
      const output = await evaluate(party, me as PartyId, params, used, weights);
      const result = {
        computationId,
        epoch: committee.epoch,
        inputsCommitment: computation.inputsCommitment,
        inputSet,
        output: encodeOutput(output),
      };
      const typed = { chainId: ctx.chain.id, committee: committeeAddress, result };

      // Sign only what all three computed, and never a second result for this computation: the
      // first one signed is kept in Redis (no expiry) before the signature leaves this node.
      const signedKey = `${ctx.key}:mpc-node:signed:${committeeAddress.toLowerCase()}:${computationId}`;
      const record = JSON.stringify({ inputSet, output: result.output });
      const signedBefore = await ctx.redis.get(signedKey);
      if (signedBefore !== null && signedBefore !== record)
        throw new MpcAbortError('refusing to sign a second result for this computation');
      await confirmOutputs(session, resultDigest(typed));
      if (
        (await ctx.redis.set(signedKey, record, 'NX')) === null &&
        (await ctx.redis.get(signedKey)) !== record
      )
        throw new MpcAbortError('refusing to sign a second result for this computation');
      const signature = await signResult({ account, ...typed });
      const received = await exchangeSignatures(session, signature, committee, me, typed, {
        withhold: options.misbehave?.withholdSignature?.(attempt) ?? false,
        onPeerSignature: options.misbehave?.onPeerSignature,
      });
      // An equivocator's signature does not count on chain: leave it out.
      const equivocators = await Promise.all(
        received.map(({ signer }) =>
          ctx.chain.client.readContract({ ...read, functionName: 'isEquivocator', args: [signer] }),
        ),
      );
      const signatures = [signature, ...received.filter((_, j) => !equivocators[j]).map((r) => r.signature)];
      runLog.info(
        {
          inputs_used: used.length,
          elapsed_ms: Math.round(performance.now() - started),
          rounds: party.stats.rounds,
          words_sent: party.stats.words,
          signatures: signatures.length,
        },
        'mpc computation done',
      );
      if (BigInt(signatures.length) < committee.threshold)
        throw new MpcAbortError('too few valid signatures');
      await post(ctx, computationId, inputSet, result.output, signatures, me, runLog);
    } catch (error) {
      if (!(error instanceof MpcError)) throw error;
      session?.giveUp(error instanceof MpcAbortError ? 'abort' : 'timeout');
      runLog.warn({ error_name: error.name, error: error.message }, 'mpc computation failed');
      if (attempt >= ctx.config.max_attempts) return runLog.error('mpc computation given up');
      throw error;
    } finally {
      session?.close();
    }
  }

  async function post(
    ctx: Ctx,
    id: bigint,
    inputSet: Hex,
    output: Hex,
    signatures: Hex[],
    me: number,
    log: Ctx['logger'],
  ) {
    const address = ctx.contracts.mpcCommittee! as Address;
    if (me > 0) await sleep(me * ctx.config.post_delay_ms, ctx.signal);
    const [status] = await ctx.chain.client.readContract({
      address,
      abi: mpcCommitteeAbi,
      functionName: 'result',
      args: [id],
    });
    if (status === ComputationStatus.Finalized) return log.info('mpc result already posted');
    const sent = await ctx.send({
      id: `mpc-post-${address.toLowerCase()}-${id}`,
      address,
      abi: mpcCommitteeAbi,
      functionName: 'postResult',
      args: [id, inputSet, output, signatures],
      classifyRevert: (revert) =>
        revert.error_name === 'MpcCommitteeAlreadyFinalized'
          ? 'already_done'
          : revert.error_name === 'MpcCommitteeInputsOpen'
            ? 'retry'
            : 'fatal',
    });
    log.info({ status: sent.status }, 'mpc result posted');
  }

  return defineRole({
    name: 'mpc-node',
    description: 'privacy: an MPC committee node (computes on secret-shared inputs, posts signed results)',
    config: mpcNodeSettings,
    abi: mpcCommitteeAbi,
    events: ['ComputationRequested', 'InputSubmitted'],
    contracts: ['mpcCommittee'],
    sender: true,
    handle: async (event, ctx) => {
      if (event.eventName === 'ComputationRequested') {
        const { computationId, inputDeadline } = event.args;
        await ctx.enqueue({
          name: 'compute',
          id: computationId.toString(),
          data: computationId.toString(),
          at: new Date(Number(inputDeadline) * 1000),
        });
      } else if (event.eventName === 'InputSubmitted') {
        ctx.logger.debug(
          { computation_id: event.args.computationId.toString(), input_index: event.args.index.toString() },
          'mpc input seen',
        );
      }
    },
    tasks: { compute: schemas.uintString },
    task: async (task, ctx) => {
      const id = BigInt(task.data as string);
      // One run per computation at a time (the nodes' attempt numbers must move together).
      if (running.has(id))
        return ctx.logger.debug({ computation_id: id.toString() }, 'mpc computation already running');
      running.add(id);
      try {
        await compute(ctx, id);
      } finally {
        running.delete(id);
      }
    },
    sweep: async (ctx) => {
      const address = ctx.contracts.mpcCommittee! as Address;
      const blockNumber = await ctx.safeBlock();
      const count = await ctx.chain.client.readContract({
        address,
        abi: mpcCommitteeAbi,
        functionName: 'computationCount',
        blockNumber,
      });
      const first =
        count > BigInt(ctx.config.sweep_window) ? count - BigInt(ctx.config.sweep_window) + 1n : 1n;
      const bucket = Math.floor(Date.now() / 60_000);
      for (let id = first; id <= count; id++) {
        const [status] = await ctx.chain.client.readContract({
          address,
          abi: mpcCommitteeAbi,
          functionName: 'result',
          args: [id],
          blockNumber,
        });
        if (status !== ComputationStatus.Computing) continue;
        const attempts = await ctx.redis.get(`${ctx.key}:mpc-node:attempt:${address.toLowerCase()}:${id}`);
        if (Number(attempts ?? 0) >= ctx.config.max_attempts) continue;
        await ctx.enqueue({ name: 'compute', id: `${id}-sweep-${bucket}`, data: id.toString() });
      }
    },
  });
}

/** The registered `mpc-node` role (keys from the agent's environment). */
export const mpcNode = createMpcNodeRole();

/**
 * Voting power of each ballot's submitter: the sum of `votingPowerAt(proposal, neuron)` over the
 * neurons it owns (public: read from governance at the safe block).
 */
async function ballotWeights(
  ctx: Ctx,
  params: Extract<ComputationParams, { kind: 0 }>,
  blockNumber: bigint,
): Promise<Map<string, bigint>> {
  const client = ctx.chain.client;
  const neurons = await client.readContract({
    address: params.governance,
    abi: governanceAbi,
    functionName: 'neurons',
    blockNumber,
  });
  const count = await client.readContract({
    address: neurons,
    abi: neuronsAbi,
    functionName: 'neuronCount',
    blockNumber,
  });
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  const owners = await Promise.all(
    ids.map((id) =>
      client.readContract({
        address: neurons,
        abi: neuronsAbi,
        functionName: 'controllers',
        args: [id],
        blockNumber,
      }),
    ),
  );
  const powers = await Promise.all(
    ids.map((id) =>
      client.readContract({
        address: params.governance,
        abi: governanceAbi,
        functionName: 'votingPowerAt',
        args: [params.proposalId, id],
        blockNumber,
      }),
    ),
  );
  const byOwner = new Map<string, bigint>();
  owners.forEach(([owner], j) => {
    if (owner === zeroAddress) return;
    byOwner.set(owner.toLowerCase(), (byOwner.get(owner.toLowerCase()) ?? 0n) + powers[j]!);
  });
  if ([...byOwner.values()].reduce((a, b) => a + b, 0n) >= 1n << 64n) {
    throw new UnrecoverableError('ballot weights exceed the 64-bit ring');
  }
  return byOwner;
}

/**
 * The attempt number the three nodes run: each sends its proposal (its last attempt + 1) to both
 * peers, adopts any higher one it receives and sends that on, until both peers have sent the value
 * it holds; so all three end on the highest proposal. Older, lower announcements left in the
 * channel (earlier rounds) are skipped. The channel is never closed: announcements sent before
 * this node got here wait for it. A peer that does not answer within the channel's timeout fails
 * this with `MpcTimeoutError` (no attempt consumed; the task retries). A number above
 * `MAX_ATTEMPTS + 1` is refused (`MpcAbortError`, nothing stored): a peer announcing 2^32 - 1 would
 * otherwise make the others give the computation up for good.
 */
export async function agreeOnAttempt(
  channel: Pick<Link, 'send' | 'recv'>,
  proposal: number,
): Promise<number> {
  let agreed = proposal;
  const announce = () => {
    for (const to of ['next', 'prev'] as const) channel.send(to, asBytes(Uint32Array.of(agreed)));
  };
  announce();
  const heard = { next: 0, prev: 0 };
  for (;;) {
    const behind = (['next', 'prev'] as const).find((peer) => heard[peer] < agreed);
    if (!behind) return agreed;
    const message = asWords(await channel.recv(behind));
    if (message.length !== 1) throw new MpcAbortError('malformed attempt announcement');
    if (message[0]! > MAX_ATTEMPTS + 1)
      throw new MpcAbortError(`attempt ${message[0]} announced: out of range`);
    heard[behind] = message[0]!;
    if (message[0]! > agreed) {
      agreed = message[0]!;
      announce();
    }
  }
}

type Opener = {
  context: (submitter: Address) => InputContext;
  complaintContext: (node: number, index: number) => Uint8Array;
  shape: ReturnType<typeof inputShape>;
};

/** The two share vectors if they carry as many values as the computation wants; else `InputError`. */
function checkShape(
  shares: readonly [ShareVector, ShareVector],
  shape: ReturnType<typeof inputShape>,
): readonly [ShareVector, ShareVector] {
  const k = shares[0].values.length;
  if (shape.exact ? k !== shape.values : k < shape.values) throw new InputError(`carries ${k} values`);
  return shares;
}

/** This node's complaint that it cannot use `input`: its ECDH point with a DLEQ proof. */
function complain(input: Input, me: number, secretKey: Uint8Array, opener: Opener): Complaint {
  let ephemeral: Uint8Array;
  try {
    ephemeral = eciesEphemeralKey(hexToBytes(input.ciphertexts[me]!));
  } catch {
    return { index: input.index };
  }
  return {
    index: input.index,
    proof: proveSharedPoint(secretKey, ephemeral, opener.complaintContext(me, input.index)),
  };
}

/**
 * Whether node `from`'s complaint holds: its envelope of the input is malformed, or the proven
 * ECDH point opens it to something unusable (does not authenticate, malformed, not the committed
 * shares, wrong size). False for a bad proof or an envelope that opens fine.
 */
function complaintHolds(
  complaint: Complaint,
  from: number,
  inputs: readonly Input[],
  committee: Committee,
  opener: Opener,
): boolean {
  const input = inputs.find((i) => i.index === complaint.index);
  if (!input) return false;
  const ciphertext = input.ciphertexts[from]!;
  let ephemeral: Uint8Array;
  try {
    ephemeral = eciesEphemeralKey(hexToBytes(ciphertext));
  } catch {
    return true;
  }
  const recipientPublic = hexToBytes(committee.keys[from]!);
  if (
    !complaint.proof ||
    !verifySharedPoint(
      recipientPublic,
      ephemeral,
      complaint.proof,
      opener.complaintContext(from, input.index),
    )
  )
    return false;
  try {
    checkShape(
      openInputWithPoint({
        shared: complaint.proof.shared,
        recipientPublic,
        nodeIndex: from,
        ciphertext,
        commitment: input.commitment,
        context: opener.context(input.submitter),
      }),
      opener.shape,
    );
    return false;
  } catch (error) {
    if (error instanceof InputError) return true;
    throw error;
  }
}

/**
 * The inputs the three nodes use. Each sends its complaints (inputs it cannot use, each with its
 * proof) to both peers and checks theirs: a false complaint aborts (it is evidence against that
 * node), a true one excludes the input for all three. Then the three compare the hash of the
 * resulting input set, so a node that complained to one peer only cannot split them.
 */
export async function agreeOnInputs(
  session: Link,
  me: PartyId,
  inputs: readonly Input[],
  own: readonly Complaint[],
  holds: (from: number, complaint: Complaint) => boolean,
): Promise<{ used: Input[]; inputSet: Hex }> {
  const message = encodeComplaints(own);
  session.send('next', message);
  session.send('prev', message);
  const excluded = new Set(own.map((c) => c.index));
  for (const which of ['next', 'prev'] as const) {
    const from = neighbourId(me, which);
    let complaints: Complaint[];
    try {
      complaints = decodeComplaints(await session.recv(which));
    } catch (error) {
      if (error instanceof MpcError) throw error;
      throw new MpcAbortError(`malformed complaints from node ${from}`);
    }
    for (const complaint of complaints) {
      if (!holds(from, complaint))
        throw new MpcAbortError(`false complaint from node ${from} about input ${complaint.index}`);
      excluded.add(complaint.index);
    }
  }
  const used = inputs.filter((input) => !excluded.has(input.index));
  const inputSet = inputSetHash(used.map((input) => input.index));
  await confirmEqual(session, hexToBytes(inputSet), 'input sets differ');
  return { used, inputSet };
}

/** Sends `value` to both peers and aborts unless both send the same. */
async function confirmEqual(session: Link, value: Uint8Array, what: string): Promise<void> {
  session.send('next', value);
  session.send('prev', value);
  for (const which of ['next', 'prev'] as const) {
    const theirs = await session.recv(which);
    if (theirs.length !== value.length || theirs.some((byte, j) => byte !== value[j]))
      throw new MpcAbortError(`${what} (${which} peer)`);
  }
}

/** The three compare the digest of the result each computed before anyone signs it. */
function confirmOutputs(session: Link, digest: Hex): Promise<void> {
  return confirmEqual(session, hexToBytes(digest), 'results differ');
}

/** This node's replicated share of ring values: (s_i, s_{i+1}) of every input, concatenated. */
function ringShare(inputs: readonly Input[], take: (values: bigint[]) => bigint[] = (v) => v): Share {
  const a = inputs.flatMap((input) => take(input.shares![0].values));
  const b = inputs.flatMap((input) => take(input.shares![1].values));
  return { a: fromBigints(a), b: fromBigints(b) };
}

/** Bit-sliced ballot planes: bit t of voter v at bit (v & 31) of word t * W + (v >>> 5). */
function ballotPlanes(inputs: readonly Input[], bits: number): Share {
  const w = planeWords(inputs.length);
  const a = new Uint32Array(bits * w);
  const b = new Uint32Array(bits * w);
  inputs.forEach((input, v) => {
    for (let t = 0; t < bits; t++) {
      if (input.shares![0].values[t]! & 1n) a[t * w + (v >>> 5)]! |= 1 << (v & 31);
      if (input.shares![1].values[t]! & 1n) b[t * w + (v >>> 5)]! |= 1 << (v & 31);
    }
  });
  return { a, b };
}

async function evaluate(
  party: ReturnType<typeof createParty>,
  me: PartyId,
  params: ComputationParams,
  used: readonly Input[],
  weights: ReadonlyMap<string, bigint> | undefined,
): Promise<ComputationOutput> {
  const id = `node-${me}`;
  const n = used.length;
  switch (params.kind) {
    case ComputationKind.SecretBallot: {
      if (n === 0) return { kind: params.kind, totals: Array(params.choices).fill(0n) };
      const bits = inputShape(params).values;
      const w = used.map((input) => weights!.get(input.submitter.toLowerCase()) ?? 0n);
      const job: Job = {
        id,
        kind: 'ballot',
        options: params.choices,
        voters: n,
        choices: ballotPlanes(used, bits),
        weights: { public: w },
      };
      const out = await runJob(party, job);
      return { kind: params.kind, totals: out.kind === 'ballot' ? out.totals : [] };
    }
    case ComputationKind.HolderCap: {
      if (n === 0) return { kind: params.kind, withinCap: true };
      const out = await runJob(party, { id, kind: 'holder-cap', balances: ringShare(used), cap: params.cap });
      return { kind: params.kind, withinCap: out.kind === 'holder-cap' && out.withinCap };
    }
    case ComputationKind.BalanceThreshold: {
      // The investor's balance is the total of the provider's values (e.g. one per wallet), each
      // range-checked in the MPC (`totalAtLeast`: out-of-range values count as 0).
      if (n === 0) return { kind: params.kind, atLeast: params.threshold === 0n };
      const out = await runJob(party, {
        id,
        kind: 'total-threshold',
        balances: ringShare(used),
        threshold: params.threshold,
      });
      return { kind: params.kind, atLeast: out.kind === 'total-threshold' && out.atLeast };
    }
    case ComputationKind.SealedBidAuction: {
      if (n === 0) return { kind: params.kind, winner: zeroAddress, price: 0n };
      const out = await runJob(party, { id, kind: 'auction', bids: ringShare(used), pricing: 'first' });
      if (out.kind !== 'auction') throw new MpcAbortError('unexpected output');
      return {
        kind: params.kind,
        winner: used[out.winner]!.submitter,
        price: out.price < 0n ? 0n : out.price,
      };
    }
  }
}

/**
 * Sends this node's signature to both peers, keeps the peers' signatures that recover to them
 * (a peer that gives up at this point leaves the other's signature, which may still reach the
 * threshold).
 */
async function exchangeSignatures(
  session: Link,
  signature: Hex,
  committee: Committee,
  me: number,
  typed: Parameters<typeof resultTypedData>[0],
  hooks: { withhold: boolean; onPeerSignature?: Misbehaviour['onPeerSignature'] },
): Promise<{ signer: Address; signature: Hex }[]> {
  const padded = new Uint8Array(SIGNATURE_WORDS * 4);
  padded.set(hexToBytes(signature));
  if (!hooks.withhold) {
    session.send('next', padded);
    session.send('prev', padded);
  }
  const received = await Promise.allSettled([session.recv('next'), session.recv('prev')]);
  const peers = [(me + 1) % 3, (me + 2) % 3];
  const signatures: { signer: Address; signature: Hex }[] = [];
  for (const [j, settled] of received.entries()) {
    if (settled.status !== 'fulfilled' || settled.value.length !== SIGNATURE_WORDS * 4) continue;
    const peerSignature = bytesToHex(settled.value.subarray(0, 65));
    hooks.onPeerSignature?.(peerSignature, typed.result);
    const signer = committee.nodes[peers[j]!]!;
    try {
      const recovered = await recoverTypedDataAddress({
        ...resultTypedData(typed),
        signature: peerSignature,
      });
      if (recovered.toLowerCase() === signer.toLowerCase())
        signatures.push({ signer, signature: peerSignature });
    } catch {
      // an unrecoverable signature simply does not count
    }
  }
  if (hooks.withhold) throw new MpcAbortError('withholding the signature');
  return signatures;
}
