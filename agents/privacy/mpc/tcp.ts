/**
 * Authenticated, encrypted TCP links between the three nodes. Each pair has one connection,
 * dialled by the node with the larger id. The handshake exchanges nonces and ephemeral secp256k1
 * keys and each side signs the transcript with its node key (peers' public keys come from the
 * config, later from the chain); ECDH of the ephemeral keys gives two AES-256-GCM keys (one per
 * direction) and a pair secret from which sessions derive the pairwise PRG seeds.
 *
 * Wire format: frames of `u32 length (big-endian) | body`. Handshake bodies are plaintext; after
 * it a body is AES-GCM(session tag (16 bytes) | message) with a per-direction counter nonce. A
 * frame longer than `maxFrameBytes`, a body that does not decrypt, or a bad handshake is logged
 * and the connection is dropped (the dialler reconnects); the node keeps running.
 *
 * Before authentication a connection costs the listener little: at most `MAX_PENDING_HANDSHAKES`
 * at a time (more are closed at once), each closed unless it authenticates within
 * `handshakeTimeoutMs`, and the listener checks the hello (format, a dialler id of the committee,
 * its registered address when that is an IP) before any ECDH or signature.
 *
 * Seeded sessions (`session`): a tag is used at most once per connection (a second session with
 * it is refused), and the three nodes toss fresh nonces first: the PRG seed of a pair is derived
 * from the pair secret, the tag and both nonces, so no two sessions share randomness. `channel`
 * gives an unseeded, reusable tag for control messages (the attempt agreement).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { connect, createServer, isIP, type Server, type Socket } from 'node:net';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { Logger } from 'pino';
import {
  type Link,
  MpcAbortError,
  MpcError,
  MpcTimeoutError,
  type Neighbour,
  neighbourId,
  type PartyId,
} from './link.js';
import { CIPHER_STEP, deriveSeed } from './prg.js';

export type PeerAddress = { id: PartyId; host: string; port: number; publicKey: Uint8Array };

export type MeshOptions = {
  id: PartyId;
  secretKey: Uint8Array;
  listen: { host: string; port: number };
  peers: readonly PeerAddress[];
  /** Domain separator bound into every handshake (e.g. chain id, committee contract, epoch). */
  committee: string;
  maxFrameBytes: number;
  /** An unauthenticated connection is closed after this (default 5 s). */
  handshakeTimeoutMs?: number;
  logger: Logger;
};

/** A session: one computation's messages, tagged so that retries never mix with old messages. */
export type Session = Link & Channel;

/** Messages under a tag, without PRG seeds (reusable: control messages). */
export type Channel = Pick<Link, 'id' | 'send' | 'recv'> & {
  /**
   * Tells both peers that this node gave up on the session (so they stop at once instead of
   * waiting for their timeout); their pending and next receives reject with the same kind.
   */
  giveUp(reason: 'abort' | 'timeout'): void;
  close(): void;
};

/** Control messages are one byte long; protocol messages are whole 32-bit words. */
const GAVE_UP = { abort: 1, timeout: 2 } as const;

export interface Mesh {
  /** Resolves once both peers are connected and authenticated. */
  ready(timeoutMs: number): Promise<void>;
  /**
   * A seeded session (one computation attempt): refused if `tag` was used on a current connection;
   * resolves once the three nodes exchanged their fresh nonces.
   */
  session(tag: string, timeoutMs: number): Promise<Session>;
  /** An unseeded channel; its tag may be opened again. */
  channel(tag: string, timeoutMs: number): Channel;
  /** Port actually listened on (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

const PROTOCOL = 'stoa-mpc/1';
const HANDSHAKE_MAX = 256;
const TAG_BYTES = 16;
const GCM_TAG = 16;
const CLOSED_TAGS_KEPT = 10_000;
/** Unauthenticated connections the listener keeps at a time. */
export const MAX_PENDING_HANDSHAKES = 8;
const NONCE_BYTES = 32;
/**
 * What a buffered message counts against the unread limit: its bytes plus a fixed overhead, so
 * that empty messages, or messages for tags nobody reads, cannot pile up without bound.
 */
const MESSAGE_OVERHEAD = 256;
const buffered = (data: Uint8Array) => data.length + MESSAGE_OVERHEAD;

type Inbox = {
  items: Uint8Array[];
  waiters: { resolve: (d: Uint8Array) => void; reject: (e: Error) => void }[];
};

type Connection = {
  peer: PartyId;
  socket: Socket;
  pairSecret: Uint8Array;
  /** Sends one encrypted frame: session tag | data. */
  send(tag: Uint8Array, data: Uint8Array): void;
  inboxes: Map<string, Inbox>;
  /** Tags of the seeded sessions opened on this connection (each only once). */
  sessionTags: Set<string>;
  /** Bytes received and not yet read; a peer cannot run ahead by more than a couple of rounds. */
  unread: number;
  closed: boolean;
};

class FrameError extends MpcError {
  override name = 'FrameError';
}

/**
 * Splits a byte stream into frames; throws FrameError on an oversized frame. A frame's body is
 * handed over as the received pieces (never copied into one buffer).
 */
function createFramer(maxFrameBytes: () => number, onFrame: (pieces: Buffer[], length: number) => void) {
  let chunks: Buffer[] = [];
  let buffered = 0;
  return (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    while (buffered >= 4) {
      const length = Buffer.concat(chunks, 4).readUInt32BE(0);
      if (length > maxFrameBytes())
        throw new FrameError(`frame of ${length} bytes exceeds ${maxFrameBytes()}`);
      if (buffered < 4 + length) return;
      const [, afterHead] = splitAt(chunks, 4);
      const [pieces, rest] = splitAt(afterHead, length);
      chunks = rest;
      buffered -= 4 + length;
      onFrame(pieces, length);
    }
  };
}

/** Pieces split after their first n bytes (views, no copies). */
function splitAt(pieces: readonly Buffer[], n: number): [Buffer[], Buffer[]] {
  const before: Buffer[] = [];
  let left = n;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.length >= left) {
      if (left > 0) before.push(piece.subarray(0, left));
      const after = left < piece.length ? [piece.subarray(left)] : [];
      return [before, [...after, ...pieces.slice(i + 1)]];
    }
    before.push(piece);
    left -= piece.length;
  }
  return [before, []];
}

/** The last n bytes of a frame given as pieces. */
function tail(pieces: readonly Buffer[], n: number): Buffer {
  const last: Buffer[] = [];
  for (let i = pieces.length - 1, have = 0; have < n; i--) {
    last.unshift(pieces[i]!);
    have += pieces[i]!.length;
  }
  return Buffer.concat(last).subarray(-n);
}

function frame(body: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

function sha256(...parts: (Uint8Array | string)[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export async function createTcpMesh(options: MeshOptions): Promise<Mesh> {
  const { id, secretKey, peers, committee, maxFrameBytes, logger } = options;
  const connections = new Map<PartyId, Connection>();
  const readyWaiters: (() => void)[] = [];
  const closedTags = new Set<string>();
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5_000;
  let pending = 0;
  let closing = false;
  const peerById = new Map(peers.map((p) => [p.id, p]));

  function established(conn: Connection) {
    const old = connections.get(conn.peer);
    if (old && !old.closed) old.socket.destroy();
    connections.set(conn.peer, conn);
    logger.info({ peer: conn.peer }, 'mpc peer connected');
    if (connections.size === peers.length && [...connections.values()].every((c) => !c.closed)) {
      for (const resolve of readyWaiters.splice(0)) resolve();
    }
  }

  function lost(conn: Connection, reason: string) {
    if (conn.closed) return;
    conn.closed = true;
    conn.socket.destroy();
    for (const inbox of conn.inboxes.values()) {
      for (const w of inbox.waiters.splice(0))
        w.reject(new MpcTimeoutError(`lost peer ${conn.peer}: ${reason}`));
    }
    if (!closing) logger.warn({ peer: conn.peer, reason }, 'mpc peer connection lost');
  }

  /** Runs the handshake on a fresh socket, then switches it to encrypted frames. */
  function handshake(socket: Socket, role: 'dialer' | 'listener', expectedPeer?: PartyId) {
    const nonce = randomBytes(32);
    const eph = secp256k1.utils.randomSecretKey();
    const ephPub = secp256k1.getPublicKey(eph, true);
    let step = 0;
    let peer: PeerAddress | undefined;
    let peerNonce: Uint8Array;
    let peerEph: Uint8Array;
    let conn: Connection | undefined;
    let transcript: Uint8Array;
    let keys: { send: Uint8Array; recv: Uint8Array; pair: Uint8Array };
    let sendCounter = 0n;
    let recvCounter = 0n;
    const deadline = setTimeout(() => fail('handshake timeout'), handshakeTimeoutMs);
    let settled = false;
    /** The handshake is over (done or failed): frees its pending slot. */
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (role === 'listener') pending--;
    };

    const fail = (reason: string) => {
      settle();
      logger.warn({ peer: peer?.id ?? null, role, reason }, 'mpc frame rejected');
      if (conn) lost(conn, reason);
      else socket.destroy();
    };
    const nonceOf = (counter: bigint) => {
      const n = Buffer.alloc(12);
      n.writeBigUInt64BE(counter, 4);
      return n;
    };
    const computeTranscript = (
      dialer: number,
      listener: number,
      dn: Uint8Array,
      de: Uint8Array,
      ln: Uint8Array,
      le: Uint8Array,
    ) => sha256(PROTOCOL, committee, Uint8Array.of(dialer, listener), dn, de, ln, le);
    const deriveKeys = () => {
      const shared = secp256k1.getSharedSecret(eph, peerEph, true);
      const k = sha256(shared, transcript);
      const d2l = sha256(k, 'dialer->listener');
      const l2d = sha256(k, 'listener->dialer');
      keys = {
        send: role === 'dialer' ? d2l : l2d,
        recv: role === 'dialer' ? l2d : d2l,
        pair: sha256(k, 'pair'),
      };
    };
    const sign = (label: string) => secp256k1.sign(sha256(transcript, label), secretKey);
    const verify = (sig: Uint8Array, label: string) => {
      try {
        return secp256k1.verify(sig, sha256(transcript, label), peer!.publicKey);
      } catch {
        return false;
      }
    };
    const open = () => {
      settle();
      conn = {
        peer: peer!.id,
        socket,
        pairSecret: keys.pair,
        inboxes: new Map(),
        sessionTags: new Set(),
        unread: 0,
        closed: false,
        send(tag, data) {
          // Encrypted in CIPHER_STEP pieces (see prg.ts), written as one corked batch.
          const cipher = createCipheriv('aes-256-gcm', keys.send, nonceOf(sendCounter++));
          const head = Buffer.alloc(4);
          head.writeUInt32BE(tag.length + data.length + GCM_TAG, 0);
          socket.cork();
          socket.write(head);
          socket.write(cipher.update(tag));
          for (let at = 0; at < data.length; at += CIPHER_STEP) {
            socket.write(cipher.update(data.subarray(at, at + CIPHER_STEP)));
          }
          cipher.final();
          socket.write(cipher.getAuthTag());
          socket.uncork();
        },
      };
      established(conn);
    };
    const onEncrypted = (pieces: Buffer[], length: number) => {
      if (length < GCM_TAG + TAG_BYTES) return fail('short frame');
      const plain = Buffer.allocUnsafeSlow(length - GCM_TAG);
      try {
        const decipher = createDecipheriv('aes-256-gcm', keys.recv, nonceOf(recvCounter++));
        decipher.setAuthTag(tail(pieces, GCM_TAG));
        let at = 0;
        for (const piece of pieces) {
          const body = piece.subarray(0, Math.max(0, plain.length - at));
          for (let from = 0; from < body.length; from += CIPHER_STEP) {
            plain.set(decipher.update(body.subarray(from, from + CIPHER_STEP)), at + from);
          }
          at += body.length;
        }
        decipher.final();
      } catch {
        return fail('frame does not authenticate');
      }
      const tag = plain.subarray(0, TAG_BYTES).toString('hex');
      if (closedTags.has(tag)) return;
      const data = new Uint8Array(plain.buffer, plain.byteOffset + TAG_BYTES, plain.length - TAG_BYTES);
      const inbox = inboxOf(conn!, tag);
      const waiter = inbox.waiters.shift();
      if (waiter) waiter.resolve(data);
      else {
        conn!.unread += buffered(data);
        if (conn!.unread > 2 * maxFrameBytes) return fail('too much unread data');
        inbox.items.push(data);
      }
    };
    const onHandshake = (body: Uint8Array) => {
      if (role === 'listener' && step === 0) {
        // HELLO: type 1 | dialer id | listener id | nonce (32) | ephemeral key (33)
        if (body.length !== 68 || body[0] !== 1 || body[2] !== id) return fail('bad hello');
        peer = peerById.get(body[1] as PartyId);
        if (!peer || peer.id <= id) return fail('unexpected dialler');
        const from = socket.remoteAddress?.replace(/^::ffff:/, '');
        if (isIP(peer.host) && from !== peer.host) return fail('unexpected address');
        peerNonce = body.subarray(3, 35);
        peerEph = body.subarray(35, 68);
        transcript = computeTranscript(peer.id, id, peerNonce, peerEph, nonce, ephPub);
        try {
          deriveKeys();
        } catch {
          return fail('bad ephemeral key');
        }
        socket.write(frame(Buffer.concat([Uint8Array.of(2), nonce, ephPub, sign('listener')])));
        step = 1;
      } else if (role === 'listener' && step === 1) {
        if (body.length !== 65 || body[0] !== 3 || !verify(body.subarray(1), 'dialer'))
          return fail('bad signature');
        step = 2;
        open();
      } else if (role === 'dialer' && step === 0) {
        if (body.length !== 130 || body[0] !== 2) return fail('bad reply');
        peerNonce = body.subarray(1, 33);
        peerEph = body.subarray(33, 66);
        transcript = computeTranscript(id, peer!.id, nonce, ephPub, peerNonce, peerEph);
        if (!verify(body.subarray(66), 'listener')) return fail('bad signature');
        try {
          deriveKeys();
        } catch {
          return fail('bad ephemeral key');
        }
        socket.write(frame(Buffer.concat([Uint8Array.of(3), sign('dialer')])));
        step = 2;
        open();
      }
    };
    const framer = createFramer(
      () => (step === 2 ? maxFrameBytes + TAG_BYTES + GCM_TAG : HANDSHAKE_MAX),
      (pieces, length) => (step === 2 ? onEncrypted(pieces, length) : onHandshake(Buffer.concat(pieces))),
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      try {
        framer(chunk);
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    });
    socket.on('error', (error) => (conn ? lost(conn, error.message) : socket.destroy()));
    socket.on('close', () => {
      settle();
      if (conn) lost(conn, 'closed');
    });
    if (role === 'dialer') {
      peer = peerById.get(expectedPeer!)!;
      socket.write(frame(Buffer.concat([Uint8Array.of(1, id, peer.id), nonce, ephPub])));
    }
  }

  function inboxOf(conn: Connection, tag: string): Inbox {
    let inbox = conn.inboxes.get(tag);
    if (!inbox) {
      inbox = { items: [], waiters: [] };
      conn.inboxes.set(tag, inbox);
    }
    return inbox;
  }

  const server: Server = createServer((socket) => {
    if (closing || pending >= MAX_PENDING_HANDSHAKES) {
      logger.debug({ pending }, 'mpc connection refused: too many pending handshakes');
      socket.destroy();
      return;
    }
    pending++;
    handshake(socket, 'listener');
  });
  server.on('error', (error) => logger.error({ err: error }, 'mpc listener error'));
  await new Promise<void>((resolve) => server.listen(options.listen.port, options.listen.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.listen.port;

  // Dial the peers with a smaller id, and again whenever the connection drops.
  const timers = new Set<NodeJS.Timeout>();
  function dial(peer: PeerAddress, delayMs: number) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (closing) return;
      const socket = connect(peer.port, peer.host);
      handshake(socket, 'dialer', peer.id);
      socket.on('close', () => {
        if (!closing) dial(peer, Math.min(2 * delayMs + 50, 1000));
      });
    }, delayMs);
    timers.add(timer);
  }
  for (const peer of peers) if (peer.id < id) dial(peer, 0);

  return {
    port,
    ready(timeoutMs) {
      if (connections.size === peers.length && [...connections.values()].every((c) => !c.closed)) {
        return Promise.resolve();
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          readyWaiters.splice(readyWaiters.indexOf(done), 1);
          reject(new MpcTimeoutError(`node ${id}: peers not connected within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        readyWaiters.push(done);
      });
    },

    async session(tag, timeoutMs) {
      const { channel, tagBytes, tagHex, bound } = openChannel('session', tag, timeoutMs);
      for (const conn of bound.values()) {
        if (conn.sessionTags.has(tagHex))
          throw new MpcError(`node ${id}: session tag ${tag} was already used with peer ${conn.peer}`);
      }
      for (const conn of bound.values()) conn.sessionTags.add(tagHex);
      const nonce = randomBytes(NONCE_BYTES);
      channel.send('next', nonce);
      channel.send('prev', nonce);
      const seeds = {} as Record<Neighbour, Uint8Array>;
      try {
        for (const which of ['next', 'prev'] as const) {
          const theirs = await channel.recv(which);
          if (theirs.length !== NONCE_BYTES)
            throw new MpcAbortError(`bad session nonce from its ${which} peer`);
          const [low, high] = neighbourId(id, which) > id ? [nonce, theirs] : [theirs, nonce];
          seeds[which] = deriveSeed(bound.get(which)!.pairSecret, 'session', tagBytes, low, high);
        }
      } catch (error) {
        channel.close();
        throw error;
      }
      return { ...channel, seeds };
    },

    channel(tag, timeoutMs) {
      return openChannel('channel', tag, timeoutMs).channel;
    },

    async close() {
      closing = true;
      for (const t of timers) clearTimeout(t);
      for (const conn of connections.values()) lost(conn, 'shutdown');
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  /** Messages under `tag` with both peers (no seeds); `kind` separates sessions from channels. */
  function openChannel(kind: 'session' | 'channel', tag: string, timeoutMs: number) {
    const tagBytes = sha256(kind, tag).subarray(0, TAG_BYTES);
    const tagHex = Buffer.from(tagBytes).toString('hex');
    closedTags.delete(tagHex);
    const bound = new Map<Neighbour, Connection>();
    for (const which of ['next', 'prev'] as const) {
      const conn = connections.get(neighbourId(id, which));
      if (!conn || conn.closed) throw new MpcTimeoutError(`node ${id}: no connection to its ${which} peer`);
      bound.set(which, conn);
    }
    const channel: Channel = {
      id,
      send(to, data) {
        if (data.length > maxFrameBytes)
          throw new MpcError(`message of ${data.length} bytes exceeds the frame limit`);
        const conn = bound.get(to)!;
        if (!conn.closed) conn.send(tagBytes, data);
      },
      recv(from) {
        const conn = bound.get(from)!;
        if (conn.closed) return Promise.reject(new MpcTimeoutError(`lost peer ${conn.peer}`));
        const inbox = inboxOf(conn, tagHex);
        const item = inbox.items.shift();
        const received = item
          ? Promise.resolve(item)
          : new Promise<Uint8Array>((resolve, reject) => {
              const timer = setTimeout(() => {
                inbox.waiters.splice(inbox.waiters.indexOf(waiter), 1);
                reject(
                  new MpcTimeoutError(`node ${id}: no message from peer ${conn.peer} in ${timeoutMs} ms`),
                );
              }, timeoutMs);
              const waiter = {
                resolve: (d: Uint8Array) => {
                  clearTimeout(timer);
                  resolve(d);
                },
                reject: (e: Error) => {
                  clearTimeout(timer);
                  reject(e);
                },
              };
              inbox.waiters.push(waiter);
            });
        if (item) conn.unread -= buffered(item);
        return received.then((data) => {
          if (data.length !== 1) return data;
          // The peer gave up: keep the message so that every later receive fails the same way.
          inbox.items.unshift(data);
          conn.unread += buffered(data);
          if (data[0] === GAVE_UP.abort) throw new MpcAbortError(`peer ${conn.peer} aborted`);
          throw new MpcTimeoutError(`peer ${conn.peer} gave up`);
        });
      },
      giveUp(reason) {
        for (const conn of bound.values())
          if (!conn.closed) conn.send(tagBytes, Uint8Array.of(GAVE_UP[reason]));
      },
      close() {
        closedTags.add(tagHex);
        // Remember the most recent sessions only (late frames of older ones are then buffered
        // until the unread limit drops the connection, which a correct peer never reaches).
        if (closedTags.size > CLOSED_TAGS_KEPT) closedTags.delete(closedTags.values().next().value!);
        for (const conn of bound.values()) {
          for (const item of conn.inboxes.get(tagHex)?.items ?? []) conn.unread -= buffered(item);
          conn.inboxes.delete(tagHex);
        }
      },
    };
    return { channel, tagBytes, tagHex, bound };
  }
}
