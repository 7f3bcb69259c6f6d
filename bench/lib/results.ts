// Writing benchmark results: JSON (everything) and Markdown (the table) under bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function writeResults(name: string, json: unknown, markdown: string): { json: string; md: string } {
  mkdirSync(resultsDir, { recursive: true });
  const j = join(resultsDir, `${name}.json`);
  const m = join(resultsDir, `${name}.md`);
  writeFileSync(j, `${JSON.stringify(json, null, 1)}\n`);
  writeFileSync(m, markdown);
  return { json: j, md: m };
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

/** Parses "0,1,5" or "0-3" or "all" (with `all` = the full list). */
export function parseList(s: string | undefined, all: number[]): number[] {
  if (s === undefined || s === 'all') return all;
  return s.split(',').flatMap((p) => {
    const m = p.match(/^(\d+)-(\d+)$/);
    if (m) return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
    const v = Number(p);
    if (!Number.isFinite(v)) throw new Error(`not a number list: ${s}`);
    return [v];
  });
}
