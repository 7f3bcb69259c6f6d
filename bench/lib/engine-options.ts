// The options that bench/engine-speed.ts and its libtorch child (engine-speed-libtorch.ts) share: the parent
// passes them through to each round's child process, so both must read them the same way.
export const engineModelOptions = {
  threads: { type: 'string', default: '2' },
  batch: { type: 'string', default: '64' },
  'train-steps': { type: 'string', default: '60' },
  'infer-steps': { type: 'string', default: '200' },
  // untimed steps before each timed phase, the same count on both sides: the libtorch side reaches its
  // steady speed after ~400 inference steps (V8 optimising tfjs' JS, and the native time settling), PyTorch
  // after ~100 (bench/warmup-curve.ts; docs/engine.md "Warm-up")
  warmup: { type: 'string', default: '500' },
} as const;
