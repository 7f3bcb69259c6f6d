// Adam as tfjs defines it (a tf.AdamOptimizer: same hyperparameters, serialized as 'Adam', same
// state variables, so getWeights / setWeights and checkpoints are unchanged), whose update runs as
// ONE native call for all variables when the active backend offers a fused update
// (tfjs-backend-libtorch's `adamUpdate`); on any other backend (cpu, wasm, webgl) tfjs' own update.
// tfjs' own update issues about 14 kernels and several scalar uploads per variable.
import * as tf from '@tensorflow/tfjs-core';

interface Hyper { learningRate: number; beta1: number; beta2: number; epsilon: number }

/** What a backend offers for the fused path (tfjs-backend-libtorch's LibtorchBackend.adamUpdate). */
interface FusedAdamBackend {
  adamUpdate(params: tf.TensorInfo[], grads: tf.TensorInfo[], m: tf.TensorInfo[], v: tf.TensorInfo[],
    accBeta1: tf.TensorInfo, accBeta2: tf.TensorInfo, hp: Hyper): boolean;
}

/** tfjs' own argument type (a name -> gradient map, or [{ name, tensor }]). */
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

interface SlotVariable { originalName: string; variable: tf.Variable }
/** tfjs' AdamOptimizer state (private in its typings, same fields at run time). */
interface AdamState extends Hyper {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: SlotVariable[];
  accumulatedSecondMoment: SlotVariable[];
}

export class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    const backend = tf.backend() as unknown as Partial<FusedAdamBackend>;
    if (typeof backend.adamUpdate === 'function' && this.fusedUpdate(variableGradients, backend as FusedAdamBackend)) {
      this.incrementIterations();
      return;
    }
    super.applyGradients(variableGradients);
  }

  private fusedUpdate(variableGradients: Gradients, backend: FusedAdamBackend): boolean {
    const s = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const params: tf.Variable[] = [], grads: tf.Tensor[] = [], m: tf.Variable[] = [], v: tf.Variable[] = [];
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      // Moments are created as tfjs creates them (also for a variable without a gradient).
      s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const g = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
      if (g == null) return;
      params.push(value);
      grads.push(g);
      m.push(s.accumulatedFirstMoment[i].variable);
      v.push(s.accumulatedSecondMoment[i].variable);
    });
    const written = [...params, ...m, ...v, s.accBeta1, s.accBeta2];
    // The update is in place: a variable that shares its data with another tensor (tf.variable(t)
    // keeps t's data) first gets a copy of its own, so t never changes.
    for (const t of written) {
      if (tf.engine().backend.refCount(t.dataId) <= 1) continue;
      const own = tf.tidy(() => tf.mul(t, 1));
      t.assign(own);
      own.dispose();
    }
    return backend.adamUpdate(params, grads, m, v, s.accBeta1, s.accBeta2,
      { learningRate: s.learningRate, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon });
  }

  /** The tensors an update writes into besides the parameters: both moments of every variable updated so far and
   *  the accumulated betas (a recorded training step checks they are still the ones it recorded). */
  stateVariables(): tf.Variable[] {
    const s = this as unknown as AdamState;
    return [...s.accumulatedFirstMoment.map((m) => m.variable), ...s.accumulatedSecondMoment.map((v) => v.variable), s.accBeta1, s.accBeta2];
  }

  /** The learning rate of the next updates (a schedule sets it per step). */
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  /** Counts an update that ran natively outside applyGradients (a replayed training step). */
  countStep(): void {
    this.incrementIterations();
  }
}

/** tf.train.adam with the fused update where the backend has one. */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdam {
  return new FusedAdam(learningRate, beta1, beta2, epsilon);
}
