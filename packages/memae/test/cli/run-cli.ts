// Runs the real `memae` command in a child process (as a user would) and collects its output.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/memae.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ServeProcess {
  port: number;
  /** stdout so far */
  out: () => string;
  /** sends SIGTERM and resolves with the exit code and stderr */
  stop: () => Promise<{ code: number | null; stderr: string }>;
}

/** Starts `memae serve MODEL... --port 0 --quiet` and waits for its "listening" line. */
export function startServe(models: string[]): Promise<ServeProcess> {
  const p = spawn(process.execPath, [BIN, 'serve', ...models, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stderr.on('data', (d) => (err += d));
  p.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    p.stdout.on('data', () => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+) with /.exec(out);
      if (!m) return;
      p.removeAllListeners('exit');
      resolve({
        port: Number(m[1]),
        out: () => out,
        stop: () => new Promise((done) => {
          p.on('close', (code) => done({ code, stderr: err }));
          p.kill('SIGTERM');
        }),
      });
    });
    p.on('exit', (c) => reject(new Error(`exited ${c}: ${err}`)));
  });
}
