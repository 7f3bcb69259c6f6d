// How a command talks: human lines and progress bars on a terminal, nothing but one JSON object with --json,
// only the essential lines with --quiet. Progress and notes go to stderr so stdout stays clean for results.
import cliProgress from 'cli-progress';
import type { FitProgress } from '../run/detector-port.js';
import { networkLabel } from '../train/progress.js';

export interface OutputOptions {
  quiet?: boolean;
  json?: boolean;
}

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v < 0.01 ? v.toExponential(2) : v.toFixed(4));

export class Output {
  readonly quiet: boolean;
  readonly json: boolean;
  private bar: cliProgress.SingleBar | undefined;
  private lastRender = 0;

  constructor(opts: OutputOptions) {
    this.json = Boolean(opts.json);
    this.quiet = Boolean(opts.quiet) || this.json;
  }

  /** A progress/narration line (stderr), hidden by --quiet and --json. */
  note(line: string): void {
    if (!this.quiet) process.stderr.write(line + '\n');
  }

  /** A result line (stdout) for people; with --json the result object is printed instead. */
  result(line: string): void {
    if (!this.json) process.stdout.write(line + '\n');
  }

  /** The machine-readable result (stdout, --json only). */
  emitJson(value: unknown): void {
    if (this.json) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** Starts a progress bar of `total` steps (batches over all epochs); no-op when quiet. */
  startBar(total: number, label = 'train'): void {
    if (this.quiet) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | ETA {eta_formatted} | epoch {epoch}/{epochs}{net} | loss {loss} (rec {rec}, ent {ent}) | {sps} samples/s`,
        etaBuffer: 50,
        hideCursor: true,
        clearOnComplete: false,
        stream: process.stderr,
        noTTYOutput: !process.stderr.isTTY,
        notTTYSchedule: 5000,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, { epoch: 1, epochs: '?', net: '', loss: '-', rec: '-', ent: '-', sps: '-' });
  }

  /** Moves the bar to the step of `p`. */
  progress(p: FitProgress): void {
    if (!this.bar) return;
    this.bar.update((p.epoch - 1) * p.batches + p.batch, {
      epoch: p.epoch,
      epochs: p.epochs,
      net: networkLabel(p),
      loss: fmt(p.loss),
      rec: fmt(p.reconstruction),
      ent: fmt(p.entropy),
      sps: p.samplesPerSec === undefined ? '-' : Math.round(p.samplesPerSec),
    });
    // training may not yield to timers between batches, so draw here too: 5 fps on a terminal, a line
    // every 5 s otherwise (ETA estimated from the latest rate)
    const now = performance.now();
    if (now - this.lastRender >= (process.stderr.isTTY ? 200 : 5000)) {
      this.lastRender = now;
      this.bar.updateETA();
      this.bar.render();
    }
  }

  stopBar(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
