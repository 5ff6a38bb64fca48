/**
 * Manual answers: the JSON file `{ "<question id>": "<answer>" }` that a `manual` source with a
 * `file` reads at every evaluation (sources.ts). `stoa oracle answer` writes it.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Sets the answer of `questionId` in `file` (created when missing), atomically (write, then rename). */
export function writeManualAnswer({
  file,
  questionId,
  value,
}: {
  file: string;
  questionId: string;
  value: string;
}) {
  if (!/^\d+$/.test(questionId)) throw new Error(`question id must be a whole number, got "${questionId}"`);
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw new Error(`answer must be a decimal number, got "${value}"`);
  let answers: Record<string, unknown> = {};
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // no file yet: start an empty one
  }
  if (text !== undefined) {
    try {
      answers = JSON.parse(text);
    } catch {
      throw new Error(`${file} is not JSON: fix or remove it first`);
    }
    if (!answers || typeof answers !== 'object' || Array.isArray(answers)) {
      throw new Error(`${file} must hold a JSON object of question id -> answer`);
    }
  }
  answers[questionId] = value;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(answers, null, 2)}\n`);
  renameSync(tmp, file);
  return answers;
}
