// The hostile-input harness: cases generated from tables (target x mutation), each run under a timeout and
// classified as handled (the exact expected outcome), crash (an error that is not a one-line UserError, or a
// child killed by a signal), hang (the timeout fired) or wrong (an outcome other than the expected one, e.g.
// a success where a refusal was due). Library cases run in-process; CLI cases are child processes with a kill
// timer (runCliCase). Every suite prints one summary line and fails unless every case is handled.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { UserError } from '../../src/errors/user-error.js';
import { BIN } from '../cli/run-cli.js';

/** What a case must do: succeed (optionally passing a check), or fail with a one-line UserError matching `error`. */
export type Expect = { ok: true; check?: (value: unknown) => void } | { error: RegExp };

export interface HostileCase {
  /** "group: target x mutation" */
  name: string;
  run: () => Promise<unknown>;
  expect: Expect;
  timeoutMs?: number;
}

export type Outcome = 'handled' | 'crash' | 'hang' | 'wrong';
export interface CaseResult { name: string; outcome: Outcome; detail: string }

const HANG = Symbol('hang');

/** A case may decide its own outcome (CLI cases: exit code, signal, kill timer). */
export class Verdict {
  constructor(readonly outcome: Outcome, readonly detail: string) {}
}

/** Runs one case and classifies what happened. */
export async function runCase(c: HostileCase, defaultTimeoutMs = 10_000): Promise<CaseResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof HANG>((resolve) => { timer = setTimeout(() => resolve(HANG), c.timeoutMs ?? defaultTimeoutMs); });
  let value: unknown;
  let error: unknown;
  let failed = false;
  try {
    value = await Promise.race([c.run(), timeout]);
  } catch (e) {
    failed = true;
    error = e;
  } finally {
    clearTimeout(timer);
  }
  const r = (outcome: Outcome, detail: string): CaseResult => ({ name: c.name, outcome, detail });
  if (value === HANG) return r('hang', `no outcome within ${c.timeoutMs ?? defaultTimeoutMs} ms`);
  if (value instanceof Verdict) return r(value.outcome, value.detail);
  if (failed) {
    if (!(error instanceof UserError)) return r('crash', `${(error as Error)?.name}: ${String((error as Error)?.message ?? error).split('\n')[0]}`);
    if (error.message.includes('\n')) return r('wrong', `multi-line message: ${JSON.stringify(error.message.slice(0, 200))}`);
    if ('ok' in c.expect) return r('wrong', `refused: ${error.message}`);
    if (!c.expect.error.test(error.message)) return r('wrong', `message ${JSON.stringify(error.message)} does not match ${c.expect.error}`);
    return r('handled', error.message);
  }
  if (!('ok' in c.expect)) return r('wrong', `accepted, expected a refusal matching ${c.expect.error}`);
  try {
    c.expect.check?.(value);
  } catch (e) {
    return r('wrong', `accepted, but: ${(e as Error).message.split('\n')[0]}`);
  }
  return r('handled', 'ok');
}

export interface Summary { suite: string; cases: number; handled: number; crashes: number; hangs: number; wrong: number; failures: CaseResult[] }

/** Runs cases `concurrency` at a time, prints the summary line (and every failure), returns the summary. */
export async function runCases(suite: string, cases: HostileCase[], o: { concurrency?: number; timeoutMs?: number } = {}): Promise<Summary> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await runCase(cases[i], o.timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 1) }, worker));
  const count = (k: Outcome) => results.filter((x) => x.outcome === k).length;
  const s: Summary = { suite, cases: results.length, handled: count('handled'), crashes: count('crash'), hangs: count('hang'), wrong: count('wrong'), failures: results.filter((x) => x.outcome !== 'handled') };
  console.log(`hostile ${suite}: ${s.cases} cases, ${s.handled} handled, ${s.crashes} crashes, ${s.hangs} hangs, ${s.wrong} wrong`);
  for (const f of s.failures) console.log(`  ${f.outcome}: ${f.name}: ${f.detail}`);
  return s;
}

/** Asserts a summary is clean (and that the table really produced `min` cases). */
export function assertClean(s: Summary, min: number): void {
  assert.ok(s.cases >= min, `${s.suite}: ${s.cases} cases, at least ${min} expected`);
  assert.equal(s.failures.length, 0, `${s.suite}: ${s.failures.map((f) => `${f.outcome} ${f.name}: ${f.detail}`).join('; ')}`);
}

export interface CliRun { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }

/** Runs the real `memae` CLI with a kill timer. */
export function runCli(args: string[], timeoutMs = 60_000, env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, timeoutMs);
    p.on('error', reject);
    p.on('close', (code, signal) => { clearTimeout(t); resolve({ code, signal, stdout, stderr, timedOut }); });
  });
}

/**
 * A CLI case: the command must exit with `code` and, when it fails, print exactly one stderr line matching
 * `stderr` (no stack trace). The kill timer firing is a hang, a signal a crash.
 */
export function cliCase(name: string, args: string[], code: number, stderr?: RegExp, timeoutMs = 60_000, env: Record<string, string> = {}): HostileCase {
  return {
    name, timeoutMs: timeoutMs + 10_000,
    expect: { ok: true },
    run: async () => {
      const r = await runCli(args, timeoutMs, env);
      if (r.timedOut) return new Verdict('hang', `killed after ${timeoutMs} ms`);
      if (r.signal) return new Verdict('crash', `killed by ${r.signal}`);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^memae: note:/.test(l));
      if (/\n\s+at /.test(r.stderr)) return new Verdict('crash', `stack trace: ${JSON.stringify(r.stderr.slice(0, 300))}`);
      if (r.code !== code) return new Verdict('wrong', `exit ${r.code}, expected ${code}; stderr: ${JSON.stringify(r.stderr.slice(0, 300))}`);
      if (code !== 0 && lines.length !== 1) return new Verdict('wrong', `stderr is not one line: ${JSON.stringify(r.stderr.slice(0, 300))}`);
      if (code !== 0 && stderr && !stderr.test(lines[0])) return new Verdict('wrong', `stderr ${JSON.stringify(lines[0])} does not match ${stderr}`);
      return new Verdict('handled', `exit ${r.code}`);
    },
  };
}

/** Cartesian product of two tables, for "target x mutation" cases. */
export function cross<A, B>(as: readonly A[], bs: readonly B[]): [A, B][] {
  return as.flatMap((a) => bs.map((b) => [a, b] as [A, B]));
}
