/**
 * Data sources of the oracle reporter and the dispute watcher: an HTTP JSON API read at a JSON
 * path, a local JSON or CSV file, and a manual answer (inline, or from an answers file written by
 * an operator). Every source yields one raw value as a string; what it means (a scalar, an
 * outcome) is decided in `answer.ts`. Strings of a source may use `{question_id}`, `{end_time}` and
 * the named groups of the question's URI pattern as placeholders.
 *
 * A question's URI is anyone's text, and a source's server is not ours: placeholder values must be
 * plain tokens (letters, digits, `-`, `_`, `.`, `~`, never `..`) and are URL-encoded in URLs;
 * responses are read up to `max_bytes`; redirects are not followed (a redirect could lead the
 * request, and its headers, to another host); secret-looking query parameters are masked in
 * labels, evidence and errors.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type Hash, keccak256, stringToBytes } from 'viem';
import { z } from 'zod';

const httpSource = z.strictObject({
  type: z.literal('http'),
  /** URL of a JSON document (GET). */
  url: z.string().min(1),
  /** JSON path of the value, e.g. `data.funds[0].nav` (a leading `$.` is allowed). */
  path: z.string().default(''),
  headers: z.record(z.string(), z.string()).default({}),
  /** Largest response body read (bytes); a larger one is a source error. */
  max_bytes: z
    .number()
    .int()
    .min(1)
    .default(1024 * 1024),
});

const fileSource = z.strictObject({
  type: z.literal('file'),
  /** Path of a local JSON or CSV file, read at every evaluation. */
  path: z.string().min(1),
  /** Default: from the extension (`.csv` is CSV, anything else JSON). */
  format: z.enum(['json', 'csv']).optional(),
  /** JSON: path of the value. */
  json_path: z.string().default(''),
  /** CSV (with a header row): column holding the value. */
  column: z.string().optional(),
  /** CSV: pick the last row whose `key_column` equals `key`; without them, the last row. */
  key_column: z.string().optional(),
  key: z.string().optional(),
});

const manualSource = z
  .strictObject({
    type: z.literal('manual'),
    /** The answer itself (e.g. set through `STOA__ROLE__...` on the command line). */
    value: z.union([z.string(), z.number()]).optional(),
    /** A JSON file `{ "<question id>": <value> }` an operator edits; read at every evaluation. */
    file: z.string().optional(),
  })
  .refine((s) => (s.value === undefined) !== (s.file === undefined), 'set exactly one of value and file');

export const sourceSchema = z.discriminatedUnion('type', [httpSource, fileSource, manualSource]);
export type Source = z.infer<typeof sourceSchema>;

/** Placeholder values of one question. */
export type Template = Record<string, string>;

/** A source that did not yield a value; never leads to a transaction. */
export class SourceError extends Error {
  override name = 'SourceError';
}

export type SourceValue = { source: string; value: string };

/** What a placeholder value may be: a plain token, no path separators, no `..`, no escapes. */
const TOKEN = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,127}$/;

/**
 * `text` with its placeholders replaced; a value that is not a plain token is refused (a URI
 * pattern's group may hold anything the question's creator wrote), and in URLs every value is
 * encoded too.
 */
function fill(text: string, template: Template, encode: (value: string) => string = (v) => v): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = template[name];
    if (value === undefined) return whole;
    if (!TOKEN.test(value) || value.includes('..'))
      throw new SourceError(`placeholder {${name}}: refused value ${JSON.stringify(value.slice(0, 80))}`);
    return encode(value);
  });
}
const fillUrl = (text: string, template: Template) => fill(text, template, encodeURIComponent);

/** Query parameters whose name says they carry a credential. */
const SECRET_PARAM = /key|token|secret|signature|sig|auth|pass|credential/i;

/** `url` without user info and with secret-looking query values masked: for labels, evidence, errors. */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<invalid url>';
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()])
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, '***');
  return parsed.toString();
}

/** The body of `response`, read up to `maxBytes` (aborting past it). */
async function boundedText(response: Response, maxBytes: number, where: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  const tooLarge = () => new SourceError(`${where}: response larger than ${maxBytes} bytes (max_bytes)`);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads `path` (`a.b[2].c`, optional leading `$.`) in a parsed JSON document. */
export function jsonPath(document: unknown, path: string): unknown {
  const steps = path
    .replace(/^\$\.?/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((step) => step !== undefined && step !== '');
  let node = document;
  for (const step of steps) {
    if (node === null || typeof node !== 'object' || !(step in node)) {
      throw new SourceError(`no value at JSON path ${path}`);
    }
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}

function scalarText(value: unknown, where: string): string {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    const text = String(value).trim();
    if (text !== '') return text;
  }
  throw new SourceError(`${where}: expected a number, string or boolean, got ${JSON.stringify(value)}`);
}

/** Splits CSV text (RFC 4180 quoting) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

function csvValue(text: string, source: z.infer<typeof fileSource>, template: Template): string {
  const [header, ...rows] = parseCsv(text);
  if (!header || !source.column) throw new SourceError('CSV: needs a header row and `column`');
  const column = header.indexOf(source.column);
  if (column < 0) throw new SourceError(`CSV: no column ${source.column}`);
  let candidates = rows;
  if (source.key_column !== undefined) {
    const keyColumn = header.indexOf(source.key_column);
    if (keyColumn < 0) throw new SourceError(`CSV: no column ${source.key_column}`);
    const key = fill(source.key ?? '', template);
    candidates = rows.filter((r) => r[keyColumn] === key);
  }
  const row = candidates.at(-1);
  if (!row) throw new SourceError('CSV: no matching row');
  return scalarText(row[column], `CSV column ${source.column}`);
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new SourceError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceError(`${where} is not valid JSON`);
  }
}

/** A short, stable label of a source for logs and evidence. */
export function sourceLabel(source: Source, template: Template): string {
  switch (source.type) {
    case 'http':
      return `http:${maskUrl(fillUrl(source.url, template))}#${fill(source.path, template)}`;
    case 'file':
      return `file:${fill(source.path, template)}`;
    case 'manual':
      return source.file === undefined ? 'manual:value' : `manual:${source.file}`;
  }
}

/** Reads one source; throws a SourceError (or an abort) when it yields no value in `timeoutMs`. */
export async function readSource(
  source: Source,
  template: Template,
  { timeoutMs }: { timeoutMs: number },
): Promise<SourceValue> {
  const label = sourceLabel(source, template);
  const value = await (async () => {
    switch (source.type) {
      case 'http': {
        const url = fillUrl(source.url, template);
        const shown = maskUrl(url);
        const signal = AbortSignal.timeout(timeoutMs);
        let response: Response;
        try {
          response = await fetch(url, {
            headers: { accept: 'application/json', ...source.headers },
            redirect: 'manual',
            signal,
          });
        } catch (error) {
          throw new SourceError(`GET ${shown} failed: ${(error as Error).message}`);
        }
        if (response.status >= 300 && response.status < 400) {
          await response.body?.cancel();
          throw new SourceError(`GET ${shown}: HTTP ${response.status} redirect not followed`);
        }
        if (!response.ok) throw new SourceError(`GET ${shown}: HTTP ${response.status}`);
        const text = await boundedText(response, source.max_bytes, `GET ${shown}`).catch((error) => {
          if (error instanceof SourceError) throw error;
          throw new SourceError(`GET ${shown} failed: ${(error as Error).message}`);
        });
        const document = parseJson(text, `GET ${shown}`);
        return scalarText(jsonPath(document, fill(source.path, template)), label);
      }
      case 'file': {
        const path = fill(source.path, template);
        const text = await readText(path);
        const format = source.format ?? (extname(path).toLowerCase() === '.csv' ? 'csv' : 'json');
        if (format === 'csv') return csvValue(text, source, template);
        return scalarText(jsonPath(parseJson(text, path), fill(source.json_path, template)), label);
      }
      case 'manual': {
        if (source.value !== undefined) return scalarText(source.value, label);
        const answers = parseJson(await readText(source.file!), source.file!);
        const id = template.question_id!;
        if (!answers || typeof answers !== 'object' || !(id in answers)) {
          throw new SourceError(`no manual answer for question ${id} in ${source.file}`);
        }
        return scalarText((answers as Record<string, unknown>)[id], label);
      }
    }
  })();
  return { source: label, value };
}

/** JSON with sorted keys and no whitespace: the same data always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The evidence of an answer: the source values it was derived from, and its keccak-256 hash. */
export function evidenceOf(questionId: bigint, values: SourceValue[]): { json: string; hash: Hash } {
  const json = canonicalJson({ question_id: questionId.toString(), sources: values });
  return { json, hash: keccak256(stringToBytes(json)) };
}
