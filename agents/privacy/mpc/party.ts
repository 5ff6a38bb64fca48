/**
 * One party of the three-party protocol: replicated secret sharing (party i holds shares i and
 * i + 1 of x = x0 + x1 + x2) over Z_2^64 (`ring`) and over bits (`bool`, bit-sliced), with one-round
 * multiplication from pairwise zero-sharings, conversions, comparisons and opening. In malicious
 * mode every multiplication is recorded and verified (cut-and-bucket triple sacrifice,
 * Furukawa-Lindell-Nof-Weinstein 2017) before anything is opened, and every opening is checked
 * against a hash of the same share sent by the other party that holds it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { onesPlane, planeToRing, planeWords, toPlanes } from './bits.js';
import { asBytes, asWords, type Link, MpcAbortError, type PartyId } from './link.js';
import { createPrg, deriveSeed } from './prg.js';
import { bool, concat, type Kernel, ring, ringConst, type Words, warmUpRing } from './ring.js';

export type Mode = 'semi-honest' | 'malicious';

/** A party's two shares of a vector: `a` = share i, `b` = share i + 1. */
export type Share = { a: Words; b: Words };

/** Statistical security of the multiplication check, in bits. */
export const STATISTICAL_SECURITY = 40;

/**
 * Operations that communicate must be awaited one after the other, in the same order on the
 * three parties (messages are matched by order).
 */
export interface Party {
  readonly id: PartyId;
  readonly mode: Mode;
  /** Shares of a public vector. */
  constant(value: Words): Share;
  /** Shares of a uniformly random vector of `elements` elements (no communication). */
  random(k: Kernel, elements: number): Share;
  add(k: Kernel, x: Share, y: Share): Share;
  sub(k: Kernel, x: Share, y: Share): Share;
  addPublic(k: Kernel, x: Share, value: Words): Share;
  /** Elementwise product with a public ring vector. */
  mulPublic(x: Share, value: Words): Share;
  /** Elementwise products x[j] * y[j] of several pairs, all in one round. */
  mul(k: Kernel, pairs: readonly (readonly [Share, Share])[]): Promise<Share[]>;
  /** Bit decomposition: 64 planes (see bits.ts) of a ring vector of n elements. */
  bits(x: Share, n: number): Promise<Share>;
  /** One plane: the top bit (sign) of each of n elements. */
  msb(x: Share, n: number): Promise<Share>;
  /** One plane: [x < y] for each of n elements, as signed (default) or unsigned 64-bit integers. */
  lt(x: Share, y: Share, n: number, options?: { signed?: boolean }): Promise<Share>;
  /** One plane of k*W words: block j is [x == values[j]] for each of the n elements. */
  eqPublic(x: Share, n: number, values: readonly bigint[]): Promise<Share>;
  /** Like eqPublic, for values given as `count` shared bit planes (bit-sliced, see bits.ts). */
  matchPublic(planes: Share, count: number, n: number, values: readonly bigint[]): Promise<Share>;
  /** Ring vector (0 or 1) of a shared plane of n bits. */
  bitToRing(plane: Share, n: number): Promise<Share>;
  /** For each element, c ? x : y, for several (x, y) pairs of n elements under one plane c. */
  select(c: Share, n: number, pairs: readonly (readonly [Share, Share])[]): Promise<Share[]>;
  /** Checks that the parties hold consistent copies of input shares (malicious mode). */
  checkInputs(inputs: readonly Share[]): Promise<void>;
  /** Verifies all multiplications so far (malicious mode), then reveals x to every party. */
  open(k: Kernel, x: Share): Promise<Words>;
  /** Words sent and rounds so far, for benchmarks. */
  readonly stats: { words: number; rounds: number; triples: number };
}

type Triple = { x: Share; y: Share; z: Share };

export function createParty({ link, mode }: { link: Link; mode: Mode }): Party {
  warmUpRing();
  const id = link.id;
  const next = createPrg({ seed: deriveSeed(link.seeds.next, 'stream') });
  const prev = createPrg({ seed: deriveSeed(link.seeds.prev, 'stream') });
  const pending: Record<Kernel['name'], Triple[]> = { ring: [], bool: [] };
  const stats = { words: 0, rounds: 0, triples: 0 };

  function send(to: 'next' | 'prev', words: Words) {
    stats.words += words.length;
    link.send(to, asBytes(words));
  }
  async function recv(from: 'next' | 'prev'): Promise<Words> {
    return asWords(await link.recv(from));
  }

  const constant = (value: Words): Share => {
    const zero = new Uint32Array(value.length);
    return { a: id === 0 ? value : zero, b: id === 2 ? value : zero };
  };
  const add = (k: Kernel, x: Share, y: Share): Share => ({ a: k.add(x.a, y.a), b: k.add(x.b, y.b) });
  const sub = (k: Kernel, x: Share, y: Share): Share => ({ a: k.sub(x.a, y.a), b: k.sub(x.b, y.b) });
  const addPublic = (k: Kernel, x: Share, value: Words): Share => add(k, x, constant(value));
  const mulPublic = (x: Share, value: Words): Share => ({ a: ring.mul(x.a, value), b: ring.mul(x.b, value) });
  const slice = (x: Share, from: number, to: number): Share => ({
    a: x.a.subarray(from, to),
    b: x.b.subarray(from, to),
  });
  const join = (parts: readonly Share[]): Share => ({
    a: concat(parts.map((p) => p.a)),
    b: concat(parts.map((p) => p.b)),
  });
  /** Shares of a vector whose share `owner` is `value` and the two others are zero. */
  const single = (owner: number, value: { a: Words; b: Words }): Share => {
    const zero = new Uint32Array(value.a.length);
    return { a: id === owner ? value.a : zero, b: (id + 1) % 3 === owner ? value.b : zero };
  };

  /** Random sharing of `words` words: share i from the seed of (i - 1, i), share i + 1 from (i, i + 1). */
  const random = (words: number): Share => ({ a: prev.words(words), b: next.words(words) });

  /**
   * One round: each party sends its product share to prev and gets share i + 1 from next. The
   * zero-sharing is drawn block by block (cache-sized, never a vector of its own).
   */
  async function multiply(k: Kernel, x: Share, y: Share): Promise<Share> {
    const z = new Uint32Array(x.a.length);
    for (let from = 0; from < z.length; from += PRG_BLOCK) {
      const to = Math.min(z.length, from + PRG_BLOCK);
      const part = (v: Words) => v.subarray(from, to);
      k.mulShare(
        part(x.a),
        part(x.b),
        part(y.a),
        part(y.b),
        next.words(to - from),
        prev.words(to - from),
        part(z),
      );
    }
    send('prev', z);
    stats.rounds++;
    const zNext = await recv('next');
    if (zNext.length !== z.length) throw new MpcAbortError('product share of the wrong length');
    return { a: z, b: zNext };
  }

  async function mul(k: Kernel, pairs: readonly (readonly [Share, Share])[]): Promise<Share[]> {
    const x = join(pairs.map((p) => p[0]));
    const y = join(pairs.map((p) => p[1]));
    const z = await multiply(k, x, y);
    if (mode === 'malicious') {
      pending[k.name].push({ x, y, z });
      stats.triples += x.a.length / k.width;
    }
    const out: Share[] = [];
    let offset = 0;
    for (const [p] of pairs) {
      out.push(slice(z, offset, offset + p.a.length));
      offset += p.a.length;
    }
    return out;
  }

  const hash = (words: Words) => createHash('sha256').update(asBytes(words)).digest();
  const digestWords = (words: Words) => new Uint32Array(new Uint8Array(hash(words)).buffer);

  /** Reveals x; in malicious mode checks the share from prev against its hash from next. */
  async function reveal(k: Kernel, x: Share): Promise<Words> {
    send('next', x.a);
    if (mode === 'malicious') send('prev', digestWords(x.b));
    stats.rounds++;
    const missing = await recv('prev');
    if (missing.length !== x.a.length) throw new MpcAbortError('opened share of the wrong length');
    if (mode === 'malicious') {
      const digest = await recv('next');
      if (!hash(missing).equals(Buffer.from(asBytes(digest))))
        throw new MpcAbortError('inconsistent opening');
    }
    const sum = k.add(x.a, x.b);
    return k.add(sum, missing, sum);
  }

  /** Checks that x = 0 without revealing anything else: share i + 2 must equal -(share i + share i + 1). */
  async function checkZero(k: Kernel, x: Share): Promise<void> {
    send('prev', digestWords(x.b));
    stats.rounds++;
    const digest = await recv('next');
    const sum = k.add(x.a, x.b);
    const expected = hash(k.sub(new Uint32Array(x.a.length), sum, sum));
    if (!expected.equals(Buffer.from(asBytes(digest))))
      throw new MpcAbortError('multiplication check failed');
  }

  /** Common random seed: commit to a random value, then reveal it (two rounds). */
  async function coinToss(): Promise<Uint8Array> {
    const mine = randomBytes(32);
    const commitment = createHash('sha256').update(mine).digest();
    for (const to of ['next', 'prev'] as const) link.send(to, commitment);
    const commitments = [await link.recv('next'), await link.recv('prev')];
    for (const to of ['next', 'prev'] as const) link.send(to, mine);
    const values = [await link.recv('next'), await link.recv('prev')];
    stats.rounds += 2;
    const byId = new Map<number, Uint8Array>([[id, mine]]);
    values.forEach((value, i) => {
      if (!createHash('sha256').update(value).digest().equals(commitments[i]!)) {
        throw new MpcAbortError('coin toss opening does not match its commitment');
      }
      byId.set((id + 1 + i) % 3, value);
    });
    return deriveSeed(byId.get(0)!, 'coin', byId.get(1)!, byId.get(2)!);
  }

  /**
   * Verifies the recorded multiplications (x, y, z) of one domain, in chunks of at most
   * VERIFY_CHUNK elements (ring elements or 32-lane words). For a chunk of N elements: make
   * M = N*B + C random triples with the same one-round protocol, permute them with a common coin
   * drawn afterwards; open the first C and check them (cut), cut the rest into B slots of N (bucket):
   * slot 0 checks the circuit, slots 1..B-1 check slot 0. A check of (x, y, z) with (a, b, c) opens
   * rho = x - a, sigma = y - b and tests z - c - sigma a - rho b - rho sigma = 0, which is exactly
   * the difference of the two additive errors. See `checkSizes` for why this is sound.
   */
  async function verify(k: Kernel): Promise<void> {
    const triples = pending[k.name];
    if (triples.length === 0) return;
    pending[k.name] = [];
    const x = join(triples.map((t) => t.x));
    const y = join(triples.map((t) => t.y));
    const z = join(triples.map((t) => t.z));
    const w = k.width;
    const total = x.a.length / w;
    const chunks = Math.ceil(total / VERIFY_CHUNK);
    const scratch = createScratch();
    for (let from = 0; from < total; from += VERIFY_CHUNK) {
      const to = Math.min(total, from + VERIFY_CHUNK);
      const part = (s: Share) => slice(s, from * w, to * w);
      await verifyChunk(k, part(x), part(y), part(z), checkSizes(to - from, chunks), scratch);
    }
  }

  async function verifyChunk(
    k: Kernel,
    x: Share,
    y: Share,
    z: Share,
    { bucket: b, cut }: { bucket: number; cut: number },
    scratch: Scratch,
  ): Promise<void> {
    const w = k.width;
    const n = x.a.length / w;
    const m = n * b + cut;
    const ra = random(m * w);
    const rb = random(m * w);
    const rc = await multiply(k, ra, rb);
    const order = permutation(await coinToss(), m);
    // Interleave the six share vectors per element so that the permutation reads one cache line
    // per triple, then take the C opened triples and the b slots of n.
    const sources = [ra.a, ra.b, rb.a, rb.b, rc.a, rc.b];
    const packed = interleave(sources, w, scratch('packed', m * w * sources.length));
    const take = (from: number, count: number): Triple => {
      const into = sources.map((_, j) => scratch(`${from}:${j}`, count * w));
      const [xa, xb, ya, yb, za, zb] = unpack(packed, order, from, w, into);
      return { x: { a: xa!, b: xb! }, y: { a: ya!, b: yb! }, z: { a: za!, b: zb! } };
    };
    const opened = take(0, cut);
    const slots = Array.from({ length: b }, (_, s) => take(cut + s * n, n));
    const head = slots[0]!;
    const checks = slots.map((right, s) => ({ left: s === 0 ? { x, y, z } : head, right }));
    // One opening: rho of each slot, sigma of each slot, then the C opened triples (x, y, z).
    const size = n * w;
    const toOpen = {
      a: scratch('open a', (2 * b * n + 3 * cut) * w),
      b: scratch('open b', (2 * b * n + 3 * cut) * w),
    };
    checks.forEach(({ left, right }, s) => {
      for (const [l, r, into] of [
        [left.x, right.x, slice(toOpen, s * size, (s + 1) * size)],
        [left.y, right.y, slice(toOpen, (b + s) * size, (b + s + 1) * size)],
      ] as const) {
        k.sub(l.a, r.a, into.a);
        k.sub(l.b, r.b, into.b);
      }
    });
    [opened.x, opened.y, opened.z].forEach((v, i) => {
      toOpen.a.set(v.a, 2 * b * size + i * cut * w);
      toOpen.b.set(v.b, 2 * b * size + i * cut * w);
    });
    const revealed = await reveal(k, toOpen);
    const cutAt = (i: number) =>
      revealed.subarray(2 * b * size + i * cut * w, 2 * b * size + (i + 1) * cut * w);
    const product = k.mul(cutAt(0), cutAt(1));
    const c = cutAt(2);
    for (let i = 0; i < product.length; i++) {
      if (product[i] !== c[i]) throw new MpcAbortError('an opened random triple is not a product');
    }
    const t = { a: scratch('check a', b * size), b: scratch('check b', b * size) };
    checks.forEach(({ left, right }, s) => {
      const rho = revealed.subarray(s * size, (s + 1) * size);
      const sigma = revealed.subarray((b + s) * size, (b + s + 1) * size);
      const into = slice(t, s * size, (s + 1) * size);
      k.sacrifice(left.z.a, right.z.a, right.x.a, right.y.a, rho, sigma, id === 0, into.a);
      k.sacrifice(left.z.b, right.z.b, right.x.b, right.y.b, rho, sigma, id === 2, into.b);
    });
    await checkZero(k, t);
  }

  const zeroPlanes = (words: number): Share => ({ a: new Uint32Array(words), b: new Uint32Array(words) });

  /**
   * Bit planes of x as s + 2c: the three shares x0, x1, x2 are boolean-shared trivially (each is
   * known to two parties) and one full-adder layer (one AND round) adds them up to two numbers.
   */
  async function carrySave(x: Share, n: number): Promise<{ s: Share; c2: Share; w: number }> {
    const w = planeWords(n);
    const planes = { a: toPlanes(x.a, n), b: toPlanes(x.b, n) };
    const [s0, s1, s2] = [0, 1, 2].map((owner) => single(owner, planes)) as [Share, Share, Share];
    const low = 63 * w;
    const [m] = await mul(bool, [[slice(add(bool, s0, s2), 0, low), slice(add(bool, s1, s2), 0, low)]]);
    // s0 ^ s1 ^ s2 = planes, since party i's own share is a and share i + 1 is b.
    return { s: planes, c2: join([zeroPlanes(w), add(bool, m!, slice(s2, 0, low))]), w };
  }

  return {
    id,
    mode,
    stats,
    constant,
    random: (k, elements) => random(elements * k.width),
    add,
    sub,
    addPublic,
    mulPublic,
    mul,

    async bits(x, n) {
      const { s, c2, w } = await carrySave(x, n);
      // Kogge-Stone parallel prefix: G[i] = carry out of bit i, P[i] = propagate over a span.
      let [g] = (await mul(bool, [[s, c2]])) as [Share];
      let p = add(bool, s, c2);
      const p0 = p;
      for (let d = 1; d < 64; d *= 2) {
        const jobs: [Share, Share][] = [[slice(p, d * w, 64 * w), slice(g, 0, (64 - d) * w)]];
        if (2 * d < 64) jobs.push([slice(p, 2 * d * w, 64 * w), slice(p, d * w, (64 - d) * w)]);
        const [gp, pp] = await mul(bool, jobs);
        g = join([slice(g, 0, d * w), add(bool, slice(g, d * w, 64 * w), gp!)]);
        if (pp) p = join([slice(p, 0, 2 * d * w), pp]);
      }
      return add(bool, p0, join([zeroPlanes(w), slice(g, 0, 63 * w)]));
    },

    async msb(x, n) {
      const { s, c2, w } = await carrySave(x, n);
      // Carry into bit 63 by a binary tree of (generate, propagate) over bits 0..62; leaf 63 is
      // (g = 0, p = 1) so the root's generate is that carry. ~190 ANDs instead of ~700.
      const low = 63 * w;
      const [gLow] = await mul(bool, [[slice(s, 0, low), slice(c2, 0, low)]]);
      let g = join([gLow!, zeroPlanes(w)]);
      let p = join([
        add(bool, slice(s, 0, low), slice(c2, 0, low)),
        constant(new Uint32Array(w).fill(0xffffffff)),
      ]);
      for (let count = 64; count > 1; count /= 2) {
        const half = count / 2;
        const planes = (v: Share, parity: number) =>
          join(
            Array.from({ length: half }, (_, i) => slice(v, (2 * i + parity) * w, (2 * i + parity + 1) * w)),
          );
        const [gHi, gLo, pHi, pLo] = [planes(g, 1), planes(g, 0), planes(p, 1), planes(p, 0)];
        const jobs: [Share, Share][] = [[pHi, gLo]];
        if (half > 1) jobs.push([pHi, pLo]);
        const [gp, pp] = await mul(bool, jobs);
        g = add(bool, gHi, gp!);
        if (pp) p = pp;
      }
      return add(bool, add(bool, slice(s, low, 64 * w), slice(c2, low, 64 * w)), g);
    },

    async lt(x, y, n, options) {
      const offset = ringConst(n, 1n << 63n);
      const [u, v] =
        options?.signed === false ? [addPublic(ring, x, offset), addPublic(ring, y, offset)] : [x, y];
      // Pad to whole words so that each of x, y, x - y has its own words in the planes.
      const padded = planeWords(n) * 32;
      const pad = (s: Share) =>
        join([s, { a: new Uint32Array(2 * (padded - n)), b: new Uint32Array(2 * (padded - n)) }]);
      const signs = await this.msb(join([pad(u), pad(v), pad(sub(ring, u, v))]), 3 * padded);
      const w = planeWords(n);
      const [su, sv, sd] = [0, 1, 2].map((i) => slice(signs, i * w, (i + 1) * w)) as [Share, Share, Share];
      // Signed x < y: the sign of x - y, unless x and y have different signs (then the sign of x).
      const [fix] = await mul(bool, [[add(bool, su, sv), add(bool, su, sd)]]);
      return add(bool, sd, fix!);
    },

    async eqPublic(x, n, values) {
      return this.matchPublic(await this.bits(x, n), 64, n, values);
    },

    async matchPublic(planes, count, n, values) {
      const w = planeWords(n);
      const k = values.length;
      // Plane b of the batch is [bit b == bit b of values[j]] for each j, side by side; planes
      // past `count` (up to a power of two) are public ones.
      const ones = onesPlane(n);
      const width = 2 ** Math.ceil(Math.log2(Math.max(count, 1)));
      let level = join(
        Array.from({ length: width }, (_, bit) =>
          join(
            values.map((value) => {
              if (bit >= count) return constant(ones);
              const plane = slice(planes, bit * w, (bit + 1) * w);
              return (BigInt.asUintN(64, value) >> BigInt(bit)) & 1n ? plane : addPublic(bool, plane, ones);
            }),
          ),
        ),
      );
      for (let c = width; c > 1; c /= 2) {
        const half = (c / 2) * k * w;
        [level] = (await mul(bool, [[slice(level, 0, half), slice(level, half, 2 * half)]])) as [Share];
      }
      return level;
    },

    async bitToRing(plane, n) {
      const unpacked = { a: planeToRing(plane.a, n), b: planeToRing(plane.b, n) };
      const [b0, b1, b2] = [0, 1, 2].map((owner) => single(owner, unpacked)) as [Share, Share, Share];
      const two = ringConst(n, 2n);
      // a xor b = a + b - 2ab, twice.
      const [m1] = await mul(ring, [[b0, b1]]);
      const t = sub(ring, add(ring, b0, b1), mulPublic(m1!, two));
      const [m2] = await mul(ring, [[t, b2]]);
      return sub(ring, add(ring, t, b2), mulPublic(m2!, two));
    },

    async select(c, n, pairs) {
      const cr = await this.bitToRing(c, n);
      const products = await mul(
        ring,
        pairs.map(([x, y]) => [cr, sub(ring, x, y)] as const),
      );
      return products.map((p, i) => add(ring, pairs[i]![1], p));
    },

    async checkInputs(inputs) {
      if (mode !== 'malicious' || inputs.length === 0) return;
      // Share i + 1 is held by this party (as b) and by next (as a): compare hashes.
      const shares = join(inputs);
      link.send('next', hash(shares.b));
      const digest = await link.recv('prev');
      stats.rounds++;
      if (!hash(shares.a).equals(Buffer.from(digest))) throw new MpcAbortError('inconsistent input shares');
    },

    async open(k, x) {
      if (mode === 'malicious') {
        await verify(ring);
        await verify(bool);
      }
      return reveal(k, x);
    },
  };
}

/** Words of pseudo-randomness drawn at a time (64 KiB, the cipher step of prg.ts). */
const PRG_BLOCK = 1 << 14;

/** Elements (ring elements or words) verified together; bounds memory. */
export const VERIFY_CHUNK = 1 << 16;

/**
 * Bucket size B and number of opened triples C for a chunk of n multiplications (of `chunks`),
 * the pair with the fewest triples M = n*B + C such that a cheater passes with probability at
 * most 2^-STATISTICAL_SECURITY over all chunks.
 *
 * Why: every error (the circuit's d_j, the triples' e_t) is fixed before the permutation pi is
 * drawn, and a check passes iff the two errors are equal. So the checks pass with some d_j != 0
 * only if no opened triple is bad and the set S of bad triples is exactly the union of the buckets
 * of the bad circuit multiplications D: |S| = kB with k = |D| >= 1, and pi must map the fixed S
 * onto the fixed positions of those k buckets, which happens with probability 1 / binom(M, kB).
 * With B <= kB <= M - C and the binomial unimodal, this is at most
 * 1 / min(binom(M, B), binom(M, C)). Without the cut (C = 0), adding the same error to every
 * product (k = n, S = all triples) passes every check: the cut is what rules it out.
 */
export function checkSizes(n: number, chunks = 1): { bucket: number; cut: number } {
  const target = STATISTICAL_SECURITY + Math.log2(chunks);
  let best = { bucket: 0, cut: 0, triples: Number.POSITIVE_INFINITY };
  for (let bucket = 2; bucket <= 64; bucket++) {
    for (let cut = 1; cut <= 64; cut++) {
      const triples = n * bucket + cut;
      if (log2Binomial(triples, cut) < target) continue;
      if (log2Binomial(triples, bucket) >= target && triples < best.triples) best = { bucket, cut, triples };
      break;
    }
  }
  return { bucket: best.bucket, cut: best.cut };
}

function log2Binomial(m: number, k: number): number {
  let sum = 0;
  for (let i = 0; i < k; i++) sum += Math.log2((m - i) / (i + 1));
  return sum;
}

/**
 * A uniform permutation of 0..m-1 from a seed: Fisher-Yates with AES-CTR words, each index drawn
 * by rejection sampling (a word at or above the largest multiple of i + 1 below 2^32 is drawn
 * again), so every j in 0..i is exactly equally likely.
 */
export function permutation(seed: Uint8Array, m: number): Uint32Array {
  const out = new Uint32Array(m);
  for (let i = 0; i < m; i++) out[i] = i;
  const prg = createPrg({ seed });
  let words = prg.words(m);
  let next = 0;
  const draw = () => {
    if (next === words.length) {
      words = prg.words(64);
      next = 0;
    }
    return words[next++]!;
  };
  for (let i = m - 1; i > 0; i--) {
    const limit = 4294967296 - (4294967296 % (i + 1));
    let w = draw();
    while (w >= limit) w = draw();
    const j = w % (i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/**
 * Buffers of one verification reused by its next chunk (same sizes, the last one smaller): fresh
 * memory costs a page fault per 4 KiB when first written. A buffer is valid until its key is asked
 * for again; its contents are whatever was left in it.
 */
type Scratch = (key: string, words: number) => Words;

function createScratch(): Scratch {
  const buffers = new Map<string, Words>();
  return (key, words) => {
    let buffer = buffers.get(key);
    if (!buffer || buffer.length < words) {
      buffer = new Uint32Array(words);
      buffers.set(key, buffer);
    }
    return buffer.subarray(0, words);
  };
}

/** The vectors' elements (of `width` words) interleaved into `out`: element e of every vector, then e + 1. */
function interleave(vectors: readonly Words[], width: number, out: Words): Words {
  const count = vectors.length;
  const stride = count * width;
  for (let j = 0; j < count; j++) {
    const v = vectors[j]!;
    const elements = v.length / width;
    let into = j * width;
    if (width === 1) {
      for (let e = 0; e < elements; e++, into += stride) out[into] = v[e]!;
    } else {
      for (let e = 0; e < elements; e++, into += stride) {
        out[into] = v[2 * e]!;
        out[into + 1] = v[2 * e + 1]!;
      }
    }
  }
  return out;
}

/** The vectors back into `out`, taking elements order[from ..] of an interleaved array. */
function unpack(packed: Words, order: Uint32Array, from: number, width: number, out: Words[]): Words[] {
  const count = out.length;
  const n = out[0]!.length / width;
  // One random read of a whole record per element, written straight to the vectors; ring
  // elements move as 64-bit lanes (one load and store each instead of two).
  const source =
    width === 1 ? packed : new BigUint64Array(packed.buffer, packed.byteOffset, packed.length / 2);
  const into = out.map((v) => (width === 1 ? v : new BigUint64Array(v.buffer, v.byteOffset, n)));
  for (let i = 0; i < n; i++) {
    const base = order[from + i]! * count;
    for (let j = 0; j < count; j++) into[j]![i] = source[base + j]!;
  }
  return out;
}
