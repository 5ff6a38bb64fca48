import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSource } from '../../agents/oracle/sources.js';

const root = join(import.meta.dirname, '..', '..');

function stoa(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(root, 'bin', 'stoa'), args);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('stoa oracle answer: manual answers the oracle agents read', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'stoa-answers-')), 'answers.json');

  it('writes answers that a manual source then reads, keeping the others', async () => {
    expect((await stoa(['oracle', 'answer', '-f', file, '-q', '12', '102.35'])).code).toBe(0);
    expect((await stoa(['oracle', 'answer', '--file', file, '--question', '13', '-5'])).code).toBe(0);
    const read = (id: string) =>
      readSource({ type: 'manual', file }, { question_id: id }, { timeoutMs: 1_000 }).then((v) => v.value);
    expect(await read('12')).toBe('102.35');
    expect(await read('13')).toBe('-5');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 12: '102.35', 13: '-5' });
  });

  it('refuses bad input with one line and exit code 2, leaving the file as it was', async () => {
    const before = readFileSync(file, 'utf8');
    for (const args of [
      ['-q', '12', 'about 100'],
      ['-q', 'twelve', '1'],
    ]) {
      const { code, out } = await stoa(['oracle', 'answer', '-f', file, ...args]);
      expect(code).toBe(2);
      expect(out.trim().split('\n')).toHaveLength(1);
      expect(out).toMatch(/^stoa oracle answer: /);
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
    const broken = join(mkdtempSync(join(tmpdir(), 'stoa-answers-')), 'answers.json');
    writeFileSync(broken, '{ not json');
    const { code, out } = await stoa(['oracle', 'answer', '-f', broken, '-q', '1', '2']);
    expect(code).toBe(2);
    expect(out).toMatch(/is not JSON/);
    expect(readFileSync(broken, 'utf8')).toBe('{ not json');
  });
});
