// One optimizer step: a batch's loss, its gradients and Adam's update. On tfjs-backend-libtorch the step of each batch
// shape is recorded natively the second time that shape comes (Adam's moments exist by then) and every later step of
// the shape replays the recording in one native call (native/replay.cc): the same kernels with the same arguments,
// without tfjs' JavaScript per kernel (engine, tape, gradients, tf.layers). The fused Adam writes into the variables'
// own tensors, the learning rate is the plan's parameter, and batch norm's moving statistics are written back into
// their variables' tensors. A replay needs every variable, moment and statistic to be the tensor it recorded, held by
// nothing else (a clone of a weight would see the in-place update): otherwise that step runs op by op (the fused Adam
// copies a shared variable) and the next one records again. Distributed steps are recorded with their gradient
// allreduce (the collective runs in place inside the plan, as every rank runs it once per step either way).
// MEMAE_REPLAY=0 runs every step op by op.
import * as tf from '@tensorflow/tfjs-core';
import type { NativePlan } from 'tfjs-backend-libtorch';
import { replayEnabled } from '../models/inference-plan.js';
import type { FusedAdam } from './adam.js';

/** The loss of a batch: the total that is minimised and the parts reported beside it (scalars). */
export interface StepLoss { total: tf.Scalar; parts: tf.Tensor[] }

/** What a backend offers to record a training step (tfjs-backend-libtorch's LibtorchBackend). */
interface StepRecorder {
  record(x: tf.Tensor, step: (x: tf.Tensor) => { outputs: tf.Tensor[]; writeBack: [tf.TensorInfo, tf.TensorInfo][] }): { outputs: tf.Tensor[]; plan: NativePlan | string };
  refCount(dataId: tf.DataId): number;
}

interface Recorded {
  plan: NativePlan;
  /** variables, statistics and optimizer state, with the tensors (dataIds) the plan holds */
  watched: tf.Variable[];
  ids: tf.DataId[];
}

/** Shapes recorded at once (a run sees its batch size and its last, smaller batch); the oldest is freed first. */
const MAX_SHAPES = 4;
/** Recordings of a shape that came out unusable (a variable replaced during the step) before it stays op by op. */
const MAX_ATTEMPTS = 3;

/** Gradient averaging across ranks (distributed training), as the trainer passes it for one step. */
export interface StepReduce {
  /** [...gradients, total, ...parts] -> their means over the ranks */
  reduce(ts: tf.Tensor[]): tf.Tensor[];
  /** what the reduction depends on besides the batch shape (recordings are kept per shape and key) */
  key: string;
  /** whether the reduction may be recorded into the step */
  replayable: boolean;
  /** counts a replayed step's reduction (its JavaScript did not run) */
  replayed(): void;
  /** the failure of a replayed step, described as the reduction describes its own */
  explain(e: unknown): Error;
}

export interface TrainStepOptions {
  /** how many loss parts (run without a batch returns zeros for each) */
  parts: number;
  /** record and replay steps where the backend can (default true; the trainer turns it off for steps that differ
   *  from one call to the next: input noise, trimmed losses, synchronised batch norm) */
  replay?: boolean;
}

export class TrainStep {
  private readonly recorded = new Map<string, Recorded | string>();
  private readonly attempts = new Map<string, number>();
  private readonly seen = new Set<string>();
  private replays = 0;

  /**
   * @param vars the trainable variables (gradients and Adam's update, in this order)
   * @param state non-trainable variables the step reassigns (batch norm's moving statistics)
   * @param loss the batch's loss; it must depend only on its input and on the variables (anything else it reads is
   *   frozen into a recording)
   */
  constructor(private readonly vars: tf.Variable[], private readonly state: tf.Variable[], private readonly optimizer: FusedAdam,
    private readonly loss: (x: tf.Tensor) => StepLoss, private readonly opts: TrainStepOptions) {}

  /**
   * One step on batch x at learning rate lr: returns [total loss, ...parts] (the caller disposes them). `par`
   * (distributed training) averages [...gradients, total, ...parts] over the ranks before the update; x undefined
   * (a rank without a sample of a tiny batch) contributes zeros.
   */
  run(x: tf.Tensor | undefined, lr: number, par?: StepReduce): tf.Tensor[] {
    this.optimizer.setLearningRate(lr);
    const reduce = par && ((ts: tf.Tensor[]) => par.reduce(ts));
    const rec = x && (par?.replayable ?? true) && (this.opts.replay ?? true) ? recorder() : null;
    if (!x || !rec) return this.opByOp(x, reduce);
    const key = `${x.dtype}:${x.shape.join(',')}${par ? `:${par.key}` : ''}`;
    const r = this.recorded.get(key);
    if (typeof r === 'string') return this.opByOp(x, reduce);
    if (r) {
      if (this.intact(r, rec)) {
        let out: tf.Tensor[];
        try {
          out = r.plan.run(x, [lr]);
        } catch (e) {
          throw par ? par.explain(e) : e;
        }
        par?.replayed();
        this.optimizer.countStep();
        this.replays++;
        return out;
      }
      r.plan.free();
      this.recorded.delete(key);
      return this.opByOp(x, reduce); // the fused Adam copies what is shared; the next step records again
    }
    if (!this.seen.has(key)) {
      this.seen.add(key);
      return this.opByOp(x, reduce);
    }
    return this.record(rec, key, x, reduce);
  }

  /** Steps replayed so far, and the shapes' recordings: a plan's kernel count, or why it could not be recorded. */
  get stats(): { replays: number; shapes: Record<string, number | string> } {
    const shapes: Record<string, number | string> = {};
    this.recorded.forEach((r, k) => { shapes[k] = typeof r === 'string' ? r : r.plan.kernels().length; });
    return { replays: this.replays, shapes };
  }

  dispose(): void {
    this.recorded.forEach((r) => { if (typeof r !== 'string') r.plan.free(); });
    this.recorded.clear();
  }

  private opByOp(x: tf.Tensor | undefined, reduce?: (ts: tf.Tensor[]) => tf.Tensor[]): tf.Tensor[] {
    const n = this.vars.length;
    let value: tf.Tensor, parts: tf.Tensor[], grads: tf.Tensor[];
    if (x) {
      let kept: tf.Tensor[] = [];
      const r = tf.variableGrads(() => {
        const l = this.loss(x);
        kept = l.parts.map((p) => tf.keep(tf.clone(p))); // escape variableGrads' scope; the caller disposes them
        return l.total;
      }, this.vars);
      [value, parts, grads] = [r.value, kept, this.vars.map((v) => r.grads[v.name] ?? tf.zerosLike(v))];
    } else {
      [value, parts, grads] = [tf.scalar(0), Array.from({ length: this.opts.parts }, () => tf.keep(tf.scalar(0))), this.vars.map((v) => tf.zerosLike(v))];
    }
    if (reduce) {
      const r = reduce([...grads, value, ...parts]);
      tf.dispose(parts);
      [grads, value, parts] = [r.slice(0, n), r[n], r.slice(n + 1)];
    }
    // fixed order, so Adam's positional slots match the checkpointed ones
    this.optimizer.applyGradients(this.vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
    return [value, ...parts];
  }

  private record(rec: StepRecorder, key: string, x: tf.Tensor, reduce?: (ts: tf.Tensor[]) => tf.Tensor[]): tf.Tensor[] {
    const fixed = [...this.vars, ...this.optimizer.stateVariables()];
    const before = fixed.map((v) => v.dataId);
    // each statistic's tensor before the step, kept alive: the step's new value is written back into it
    const holds = this.state.map((v) => tf.keep(tf.clone(v)));
    try {
      const { outputs, plan } = rec.record(x, (input) => {
        const outputs = this.opByOp(input, reduce);
        const writeBack: [tf.TensorInfo, tf.TensorInfo][] = [];
        this.state.forEach((v, i) => { if (v.dataId !== holds[i].dataId) writeBack.push([holds[i], v]); });
        return { outputs, writeBack };
      });
      if (typeof plan === 'string') {
        this.recorded.set(key, plan);
        return outputs;
      }
      // the statistics' own tensors now hold the step's values: the variables point back at them
      this.state.forEach((v, i) => { if (v.dataId !== holds[i].dataId) v.assign(holds[i]); });
      if (fixed.some((v, i) => v.dataId !== before[i])) {
        // a variable or moment was replaced during the step (not in place): the plan would update a stale tensor
        plan.free();
        const n = (this.attempts.get(key) ?? 0) + 1;
        this.attempts.set(key, n);
        if (n >= MAX_ATTEMPTS) this.recorded.set(key, 'a variable was replaced during the step');
        return outputs;
      }
      if (this.recorded.size >= MAX_SHAPES) {
        const [oldKey, old] = this.recorded.entries().next().value!;
        if (typeof old !== 'string') old.plan.free();
        this.recorded.delete(oldKey);
      }
      const watched = [...fixed, ...this.state];
      this.recorded.set(key, { plan, watched, ids: watched.map((v) => v.dataId) });
      return outputs;
    } finally {
      tf.dispose(holds);
    }
  }

  /** The plan's tensors are still the variables' and nothing else holds them (an in-place update stays private). */
  private intact(r: Recorded, rec: StepRecorder): boolean {
    return r.watched.every((v, i) => v.dataId === r.ids[i] && !v.isDisposed && rec.refCount(v.dataId) === 1);
  }
}

function recorder(): StepRecorder | null {
  const b = tf.backend() as unknown as Partial<StepRecorder>;
  return replayEnabled() && typeof b.record === 'function' ? (b as StepRecorder) : null;
}
