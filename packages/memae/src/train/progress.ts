// Training progress events, and a default terminal bar (cli-progress) when stderr is a TTY.

export interface ProgressEvent {
  /** 'batch' after every optimiser step, 'epoch' once an epoch (and its validation) is done */
  phase: 'batch' | 'epoch';
  /** 1-based */
  epoch: number;
  epochs: number;
  /** 1-based batch within the epoch */
  batch: number;
  batches: number;
  /** running means over the epoch so far */
  loss: number;
  mse: number;
  entropy: number;
  /** validation loss, on 'epoch' events when a validation set is given */
  valLoss?: number;
  samplesPerSec: number;
  /** estimated seconds until the last epoch ends */
  etaSeconds: number;
  /** seed ensembles (tables' default): the network being trained, 1-based, of `networks`; epochs count over all */
  network?: number;
  networks?: number;
}

export type ProgressCallback = (e: ProgressEvent) => void;

/** ' (network 2/3)' while a seed ensemble trains, '' for one network: the epoch label's suffix in both progress bars. */
export const networkLabel = (p: { network?: number; networks?: number }): string => (p.networks ? ` (network ${p.network}/${p.networks})` : '');

export interface ProgressBar { update(e: ProgressEvent): void; stop(): void }

const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));

/** A cli-progress bar on stderr, or undefined when stderr is not a terminal. */
export async function terminalProgressBar(): Promise<ProgressBar | undefined> {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (!proc?.stderr?.isTTY) return undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({
    stream: proc.stderr,
    format: 'epoch {ep} [{bar}] {value}/{total} | loss {loss} (mse {mse}, ent {ent}) | {rate}/s | ETA {eta_s}',
    hideCursor: true,
    etaBuffer: 50,
  }, Presets.shades_classic);
  let started = false;
  let epoch = 0;
  return {
    update(e) {
      const payload = { ep: `${e.epoch}/${e.epochs}${networkLabel(e)}`, loss: fmt(e.loss), mse: fmt(e.mse), ent: fmt(e.entropy), rate: e.samplesPerSec.toFixed(1), eta_s: `${Math.round(e.etaSeconds)}s` };
      if (!started || e.epoch !== epoch) {
        if (started) bar.stop();
        bar.start(e.batches, e.batch, payload);
        started = true;
        epoch = e.epoch;
      } else {
        bar.update(e.batch, payload);
      }
      if (e.phase === 'epoch' && e.valLoss !== undefined) bar.update(e.batch, { ...payload, loss: `${fmt(e.loss)} val ${fmt(e.valLoss)}` });
    },
    stop() { if (started) bar.stop(); },
  };
}
