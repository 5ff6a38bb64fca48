import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak256, stringToBytes } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggregate,
  answer,
  findEntry,
  isCorrect,
  Kind,
  parseDecimal,
  type Question,
  type QuestionEntry,
  questionEntrySchema,
  Refusal,
} from '../../agents/oracle/answer.js';
import {
  canonicalJson,
  evidenceOf,
  jsonPath,
  parseCsv,
  readSource,
  sourceSchema,
} from '../../agents/oracle/sources.js';
import { startDataServer } from './helpers.js';

const nav: Question = {
  id: 7n,
  kind: Kind.Scalar,
  numOutcomes: 100_002,
  min: 0n,
  max: 1_000n * 10n ** 18n,
  tick: 10n ** 16n,
  tolerance: 2,
  endTime: 1_800_000_000,
  reportingEnd: 1_800_000_300,
  designatedReporter: '0x0000000000000000000000000000000000000001',
  textUri: 'stoa://nav/FUNDX/2026-11-23',
};
const binary: Question = {
  ...nav,
  kind: Kind.Binary,
  numOutcomes: 3,
  min: 0n,
  max: 0n,
  tick: 0n,
  tolerance: 0,
};
const entry = (raw: unknown): QuestionEntry => questionEntrySchema.parse(raw);
const values = (...v: string[]) => v.map((value, i) => ({ source: `s${i}`, value }));
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof Refusal) return error.reason;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('answers: parsing, matching and aggregation', () => {
  it('parses decimals exactly, rounding half away from zero', () => {
    expect(parseDecimal('102.35', 18)).toBe(102_350_000_000_000_000_000n);
    expect(parseDecimal('1.005', 2)).toBe(101n);
    expect(parseDecimal('-1.005', 2)).toBe(-101n);
    expect(parseDecimal('1.5e2', 0)).toBe(150n);
    expect(refusal(() => parseDecimal('12abc', 2))).toBe('unmapped');
  });

  it('takes the median of scalar sources within tolerance', () => {
    const scalar = entry({ match: { ids: [7] }, decimals: 18, sources: [{ type: 'manual', value: 1 }] });
    const result = aggregate(nav, scalar, values('102.35', '102.36', '102.34'));
    expect(result.value).toBe(102_350_000_000_000_000_000n);
    expect(result.outcome).toBe(10_236);
    expect(aggregate(nav, scalar, values('102.35', '102.36')).value).toBe(102_355_000_000_000_000_000n);
  });

  it('refuses scalar sources further apart than the tolerance, or outside the range', () => {
    const scalar = entry({ match: { ids: [7] }, decimals: 18, sources: [{ type: 'manual', value: 1 }] });
    expect(refusal(() => aggregate(nav, scalar, values('102.35', '102.38')))).toBe('disagreement');
    expect(refusal(() => aggregate(nav, scalar, values('1000.01')))).toBe('out_of_range');
  });

  it('maps binary answers through the outcome table and refuses a split', () => {
    const yesNo = entry({
      match: { ids: [7] },
      outcomes: { yes: 2, no: 1 },
      sources: [{ type: 'manual', value: 1 }],
    });
    expect(aggregate(binary, yesNo, values('YES', '2')).outcome).toBe(2);
    expect(refusal(() => aggregate(binary, yesNo, values('yes', 'no')))).toBe('disagreement');
    expect(refusal(() => aggregate(binary, yesNo, values('maybe')))).toBe('unmapped');
    expect(refusal(() => aggregate(binary, yesNo, values('3')))).toBe('unmapped');
  });

  it('counts scalar outcomes within tolerance as correct, never the Invalid outcome', () => {
    expect(isCorrect(nav, 10_236, 10_238)).toBe(true);
    expect(isCorrect(nav, 10_236, 10_239)).toBe(false);
    expect(isCorrect(nav, 0, 1)).toBe(false);
    expect(isCorrect(binary, 1, 2)).toBe(false);
  });

  it('finds the entry by id or by URI pattern, with its named groups as placeholders', () => {
    const byId = entry({ match: { ids: [8] }, sources: [{ type: 'manual', value: 1 }] });
    const byUri = entry({
      match: { uri: '^stoa://nav/(?<fund>[A-Z]+)/(?<date>[0-9-]+)$' },
      sources: [{ type: 'manual', value: 1 }],
    });
    expect(findEntry([byId], nav)).toBeUndefined();
    expect(findEntry([byId], { ...nav, id: 8n })?.entry).toBe(byId);
    expect(findEntry([byId, byUri], nav)?.template).toEqual({
      fund: 'FUNDX',
      date: '2026-11-23',
      question_id: '7',
      end_time: '1800000000',
    });
  });

  it('hashes canonical JSON of the source values as evidence', () => {
    expect(canonicalJson({ b: [1, { d: 'x', c: null }], a: 'q' })).toBe(
      '{"a":"q","b":[1,{"c":null,"d":"x"}]}',
    );
    const scalar = entry({ match: { ids: [7] }, decimals: 18, sources: [{ type: 'manual', value: 1 }] });
    const { evidence } = aggregate(nav, scalar, values('102.35'));
    expect(evidence.json).toBe('{"question_id":"7","sources":[{"source":"s0","value":"102.35"}]}');
    expect(evidence.hash).toBe(keccak256(stringToBytes(evidence.json)));
  });

  it('reads JSON paths and quoted CSV', () => {
    expect(jsonPath({ data: { funds: [{ nav: 1 }, { nav: 2 }] } }, '$.data.funds[1].nav')).toBe(2);
    expect(() => jsonPath({ data: {} }, 'data.nav')).toThrow(/no value at JSON path/);
    expect(parseCsv('a,b\r\n"x, ""y""",2\n\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', '2'],
    ]);
  });
});

describe('sources: real HTTP, files and manual answers', () => {
  let data: Awaited<ReturnType<typeof startDataServer>>;
  const dir = mkdtempSync(join(tmpdir(), 'stoa-sources-'));
  const template = { question_id: '7', fund: 'FUNDX' };
  const read = (raw: unknown) => readSource(sourceSchema.parse(raw), template, { timeoutMs: 1_000 });
  beforeAll(async () => {
    data = await startDataServer();
    data.set('/FUNDX', { data: { nav: 102.35 } });
  });
  afterAll(() => data?.stop());

  it('reads an HTTP JSON API at a JSON path, with placeholders in the URL', async () => {
    const value = await read({ type: 'http', url: `${data.url}/{fund}`, path: 'data.nav' });
    expect(value).toEqual({ source: `http:${data.url}/FUNDX#data.nav`, value: '102.35' });
    await expect(read({ type: 'http', url: `${data.url}/OTHER`, path: 'data.nav' })).rejects.toThrow(
      /HTTP 404/,
    );
  });

  it('reads the matching row of a CSV file and a JSON file', async () => {
    const csv = join(dir, 'navs.csv');
    writeFileSync(csv, 'fund,nav\nFUNDX,101.00\nFUNDY,55.5\nFUNDX,102.35\n');
    expect(
      (await read({ type: 'file', path: csv, column: 'nav', key_column: 'fund', key: '{fund}' })).value,
    ).toBe('102.35');
    const json = join(dir, 'nav.json');
    writeFileSync(json, '{"nav": "102.35"}');
    expect((await read({ type: 'file', path: json, json_path: 'nav' })).value).toBe('102.35');
    await expect(read({ type: 'file', path: join(dir, 'missing.json') })).rejects.toThrow(/ENOENT/);
  });

  it('reads a manual answer inline or from the answers file', async () => {
    const answers = join(dir, 'answers.json');
    writeFileSync(answers, '{"7": "yes"}');
    expect((await read({ type: 'manual', file: answers })).value).toBe('yes');
    expect((await read({ type: 'manual', value: 3 })).value).toBe('3');
    writeFileSync(answers, '{"8": "no"}');
    await expect(read({ type: 'manual', file: answers })).rejects.toThrow(/no manual answer for question 7/);
    expect(() => sourceSchema.parse({ type: 'manual' })).toThrow(/exactly one of value and file/);
  });

  it('refuses when any source fails, with the reason source_error', async () => {
    const both = entry({
      match: { ids: [7] },
      decimals: 18,
      sources: [
        { type: 'http', url: `${data.url}/{fund}`, path: 'data.nav' },
        { type: 'http', url: `${data.url}/missing`, path: 'data.nav' },
      ],
    });
    await expect(answer({ question: nav, entry: both, template, timeoutMs: 1_000 })).rejects.toMatchObject({
      reason: 'source_error',
    });
  });
});

describe('hostile sources: what a question creator or a source server controls', () => {
  const servers: Server[] = [];
  const seen: { url?: string; headers: Record<string, unknown> }[] = [];
  /** A server answering `handler`; every request it gets is recorded in `seen`. */
  async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    const server = createServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      handler(req, res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }
  const read = (raw: unknown, template: Record<string, string> = { question_id: '7' }) =>
    readSource(sourceSchema.parse(raw), template, { timeoutMs: 5_000 });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a huge exponent at once (10^exponent is never computed)', () => {
    const started = Date.now();
    expect(refusal(() => parseDecimal('1e100000000', 18))).toBe('unmapped');
    expect(refusal(() => parseDecimal('1e-100000000', 18))).toBe('unmapped');
    expect(refusal(() => parseDecimal('9'.repeat(10_000), 18))).toBe('unmapped');
    expect(Date.now() - started).toBeLessThan(100);
    expect(parseDecimal('1.5e20', 18)).toBe(150n * 10n ** 36n);
  });

  it('stops reading a response past max_bytes', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const url = await serve((_req, res) => {
      let written = 0;
      res.writeHead(200, { 'content-type': 'application/json' });
      // 200 MB of spaces without a content-length, as fast as the client reads.
      const pump = () => {
        while (written < 200 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {
        written = Number.POSITIVE_INFINITY;
      });
      pump();
    });
    await expect(read({ type: 'http', url: `${url}/big`, path: 'nav' })).rejects.toThrow(
      /larger than 1048576 bytes/,
    );
    await expect(read({ type: 'http', url: `${url}/big`, path: 'nav', max_bytes: 1_000 })).rejects.toThrow(
      /larger than 1000 bytes/,
    );
  });

  it('follows no redirect: neither the request nor its API key reach another host', async () => {
    const elsewhere = await serve((_req, res) => void res.writeHead(200).end('{"nav": 1}'));
    const url = await serve((_req, res) => void res.writeHead(302, { location: `${elsewhere}/steal` }).end());
    await expect(
      read({ type: 'http', url: `${url}/nav`, path: 'nav', headers: { 'x-api-key': 'SECRET-API-KEY' } }),
    ).rejects.toThrow(/HTTP 302 redirect not followed/);
    expect(seen.some((r) => r.url === '/steal')).toBe(false);
  });

  it('refuses placeholder values that are not plain tokens, and encodes the others', async () => {
    const url = await serve((req, res) => void res.writeHead(200).end(JSON.stringify({ got: req.url })));
    for (const fund of ['..%2f..%2f', '..', 'a/../../etc', 'a b', 'x?y=1', ''])
      await expect(read({ type: 'http', url: `${url}/funds/{fund}`, path: 'got' }, { fund })).rejects.toThrow(
        /placeholder \{fund\}: refused value/,
      );
    await expect(
      read({ type: 'file', path: '/etc/stoa/{fund}/answers.json' }, { fund: '../../../etc' }),
    ).rejects.toThrow(/placeholder \{fund\}: refused value/);
    expect(
      (await read({ type: 'http', url: `${url}/funds/{fund}`, path: 'got' }, { fund: 'LU0123.A_b~-' })).value,
    ).toBe('/funds/LU0123.A_b~-');
  });

  it('keeps query-string keys out of labels, evidence and errors', async () => {
    const url = await serve((req, res) =>
      req.url?.startsWith('/nav') ? void res.writeHead(200).end('{"nav": 5}') : void res.writeHead(500).end(),
    );
    const value = await read({ type: 'http', url: `${url}/nav?fund=X&apikey=SECRET-QUERY-KEY`, path: 'nav' });
    expect(value.source).toBe(`http:${url}/nav?fund=X&apikey=***#nav`);
    expect(evidenceOf(7n, [value]).json).not.toContain('SECRET');
    await expect(
      read({ type: 'http', url: `${url}/down?token=SECRET-QUERY-KEY`, path: 'nav' }),
    ).rejects.toThrow(/^GET http:\/\/127\.0\.0\.1:\d+\/down\?token=\*\*\*: HTTP 500$/);
  });
});
