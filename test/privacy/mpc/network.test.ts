/**
 * The authenticated TCP mesh, in one process: a job across three meshes, and rejection (logged,
 * never a crash) of garbage before the handshake, of a peer with the wrong key, and of an
 * oversized frame from an authenticated peer.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { PartyId } from '../../../agents/privacy/mpc/link.js';
import { MpcAbortError, MpcTimeoutError } from '../../../agents/privacy/mpc/link.js';
import { createParty } from '../../../agents/privacy/mpc/party.js';
import { ring, toBigints } from '../../../agents/privacy/mpc/ring.js';
import { shareValues } from '../../../agents/privacy/mpc/share.js';
import {
  createTcpMesh,
  MAX_PENDING_HANDSHAKES,
  type Mesh,
  type Session,
} from '../../../agents/privacy/mpc/tcp.js';
import { freePort } from '../../../agents/stack/services.js';

const meshes: Mesh[] = [];
afterEach(async () => {
  await Promise.all(meshes.splice(0).map((m) => m.close()));
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

async function startMeshes(
  options: { maxFrameBytes?: (id: number) => number; impostor?: number; handshakeTimeoutMs?: number } = {},
) {
  const keys = [0, 1, 2].map(() => secp256k1.utils.randomSecretKey());
  const ports = [await freePort(), await freePort(), await freePort()];
  const logs = [capture(), capture(), capture()];
  const started = await Promise.all(
    [0, 1, 2].map((id) =>
      createTcpMesh({
        id: id as PartyId,
        secretKey: id === options.impostor ? secp256k1.utils.randomSecretKey() : keys[id]!,
        listen: { host: '127.0.0.1', port: ports[id]! },
        peers: [0, 1, 2]
          .filter((p) => p !== id)
          .map((p) => ({
            id: p as PartyId,
            host: '127.0.0.1',
            port: ports[p]!,
            publicKey: secp256k1.getPublicKey(keys[p]!),
          })),
        committee: 'test',
        maxFrameBytes: options.maxFrameBytes?.(id) ?? 1 << 24,
        handshakeTimeoutMs: options.handshakeTimeoutMs,
        logger: logs[id]!.logger,
      }),
    ),
  );
  meshes.push(...started);
  return { meshes: started, logs, ports };
}

const rejected = (lines: Record<string, unknown>[]) => lines.filter((l) => l.msg === 'mpc frame rejected');

async function waitUntil(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('tcp mesh', () => {
  it('runs a multiplication over authenticated links', async () => {
    const { meshes: m } = await startMeshes();
    await Promise.all(m.map((mesh) => mesh.ready(10_000)));
    const X = shareValues([3n, -4n, 1n << 63n]);
    const Y = shareValues([5n, 6n, 3n]);
    const out = await Promise.all(
      m.map(async (mesh, i) => {
        const session = await mesh.session('job-1', 10_000);
        const party = createParty({ link: session, mode: 'malicious' });
        const [z] = await party.mul(ring, [[X[i]!, Y[i]!]]);
        return toBigints(await party.open(ring, z!));
      }),
    );
    for (const o of out) expect(o).toEqual([15n, BigInt.asUintN(64, -24n), 1n << 63n]);
  });

  it('delivers large and back-to-back messages intact (frames split over many reads, several per read)', async () => {
    const { meshes: m } = await startMeshes();
    await Promise.all(m.map((mesh) => mesh.ready(10_000)));
    const sizes = [4, 3 * (1 << 20) + 4, 8, (1 << 17) + 12, 0, 65_532];
    const messages = sizes.map((size) => new Uint8Array(randomBytes(size)));
    const [sender, receiver] = [m[0]!.channel('big', 10_000), m[1]!.channel('big', 10_000)];
    for (const message of messages) sender.send('next', message);
    for (const message of messages)
      expect(Buffer.from(await receiver.recv('prev')).equals(message)).toBe(true);
  });

  it('makes peers stop at once when a node gives up on a session', async () => {
    const { meshes: m } = await startMeshes();
    await Promise.all(m.map((mesh) => mesh.ready(10_000)));
    const [s0, s1, s2] = (await Promise.all(m.map((mesh) => mesh.session('doomed', 60_000)))) as [
      Session,
      Session,
      Session,
    ];
    const waiting = s0.recv('next');
    s1.giveUp('abort');
    await expect(waiting).rejects.toBeInstanceOf(MpcAbortError);
    await expect(s2.recv('prev')).rejects.toBeInstanceOf(MpcAbortError);
    await expect(s0.recv('next')).rejects.toBeInstanceOf(MpcAbortError);
    s2.giveUp('timeout');
    await expect(s0.recv('prev')).rejects.toBeInstanceOf(MpcTimeoutError);
  });

  it('refuses a session tag used before on the connection, and seeds each session from fresh nonces', async () => {
    // Issue 16: the same tag twice on a live connection gave identical random sharings.
    const { meshes: m } = await startMeshes();
    await Promise.all(m.map((mesh) => mesh.ready(10_000)));
    const first = await Promise.all(m.map((mesh) => mesh.session('job-7', 10_000)));
    for (const s of first) s.close();
    await expect(m[0]!.session('job-7', 10_000)).rejects.toThrow(/already used/);
    // Pairs agree on their seeds; a session's seeds differ from any other session's, tag or not.
    const [a, b] = await Promise.all([
      Promise.all(m.map((mesh) => mesh.session('job-8', 10_000))),
      Promise.all(m.map((mesh) => mesh.session('job-9', 10_000))),
    ]);
    for (const sessions of [first, a, b]) {
      for (let i = 0; i < 3; i++) expect(sessions[i]!.seeds.next).toEqual(sessions[(i + 1) % 3]!.seeds.prev);
    }
    const seen = new Set(
      [first, a, b].flatMap((ss) => ss.map((s) => Buffer.from(s.seeds.next).toString('hex'))),
    );
    expect(seen.size).toBe(9);
    // Channels (no seeds) may be opened again.
    m[0]!.channel('control', 1_000).close();
    expect(() => m[0]!.channel('control', 1_000)).not.toThrow();
  });

  it('closes connections that do not authenticate in time and caps pending handshakes', async () => {
    const { meshes: m, logs, ports } = await startMeshes({ handshakeTimeoutMs: 500 });
    await Promise.all(m.map((mesh) => mesh.ready(10_000)));
    const idle = () =>
      new Promise<number>((resolve) => {
        const opened = Date.now();
        const socket = connect(ports[0]!, '127.0.0.1');
        socket.on('close', () => resolve(Date.now() - opened));
        socket.on('error', () => undefined);
      });
    const lifetimes = await Promise.all(Array.from({ length: MAX_PENDING_HANDSHAKES + 4 }, idle));
    const refused = lifetimes.filter((ms) => ms < 400).length;
    expect(refused).toBeGreaterThanOrEqual(4);
    expect(lifetimes.filter((ms) => ms >= 400).length).toBeLessThanOrEqual(MAX_PENDING_HANDSHAKES);
    expect(rejected(logs[0]!.lines).filter((l) => l.reason === 'handshake timeout').length).toBeGreaterThan(
      0,
    );
    // The committee still works, and a new session runs.
    const sessions = await Promise.all(m.map((mesh) => mesh.session('after', 10_000)));
    expect(sessions).toHaveLength(3);
  });

  it('rejects garbage and oversized frames before the handshake and keeps running', async () => {
    const { meshes: m, logs, ports } = await startMeshes();
    await Promise.all(m.map((mesh) => mesh.ready(10_000)));
    const send = (bytes: Uint8Array) =>
      new Promise<void>((resolve) => {
        const socket = connect(ports[0]!, '127.0.0.1', () => socket.write(bytes));
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    await send(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1, 2, 3));
    await send(Uint8Array.of(0, 0, 0, 5, 9, 9, 9, 9, 9));
    expect(rejected(logs[0]!.lines).map((l) => l.reason)).toEqual([
      expect.stringMatching(/exceeds/),
      'bad hello',
    ]);
    await m[0]!.ready(10_000);
  });

  it('refuses a peer that signs with the wrong key', async () => {
    // Node 1 runs with a key that is not the one its peers expect.
    const { meshes: m, logs } = await startMeshes({ impostor: 1 });
    await expect(m[0]!.ready(1_500)).rejects.toBeInstanceOf(MpcTimeoutError);
    expect(rejected(logs[0]!.lines).some((l) => l.reason === 'bad signature')).toBe(true);
  });

  it('drops a peer that floods empty messages or messages for tags nobody reads (issue 16)', async () => {
    const { meshes: m, logs } = await startMeshes({ maxFrameBytes: () => 4096 });
    await Promise.all(m.map((mesh) => mesh.ready(10_000)));
    const from1 = m[1]!.channel('flood', 10_000);
    for (let j = 0; j < 40; j++) from1.send('prev', new Uint8Array(0));
    for (let j = 0; j < 40; j++) m[1]!.channel(`unread-${j}`, 10_000).send('prev', Uint8Array.of(1, 2, 3, 4));
    await waitUntil(() => rejected(logs[0]!.lines).some((l) => l.reason === 'too much unread data'));
  });

  it('drops an authenticated peer that sends an oversized frame, then reconnects', async () => {
    const { meshes: m, logs } = await startMeshes({ maxFrameBytes: (id) => (id === 0 ? 1024 : 1 << 20) });
    await Promise.all(m.map((mesh) => mesh.ready(10_000)));
    const at0 = m[0]!.channel('big', 10_000);
    const from1 = m[1]!.channel('big', 10_000);
    from1.send('prev', new Uint8Array(64 * 1024));
    await expect(at0.recv('next')).rejects.toBeInstanceOf(MpcTimeoutError);
    expect(rejected(logs[0]!.lines).map((l) => l.reason)).toEqual([expect.stringMatching(/exceeds/)]);
    // Node 1 dials again; small messages flow (retrying while node 1 notices the drop).
    let received: number[] | undefined;
    for (let attempt = 0; !received && attempt < 50; attempt++) {
      await m[0]!.ready(10_000);
      await m[1]!.ready(10_000);
      try {
        const to0 = m[0]!.channel(`small-${attempt}`, 200);
        m[1]!.channel(`small-${attempt}`, 200).send('prev', Uint8Array.of(1, 2, 3, 4));
        received = [...(await to0.recv('next'))];
      } catch (error) {
        expect(error).toBeInstanceOf(MpcTimeoutError);
      }
    }
    expect(received).toEqual([1, 2, 3, 4]);
  });
});
