// The options that bench/engine-speed.ts and its libtorch child (engine-speed-libtorch.ts) share: the parent
// passes them through to each round's child process, so both must read them the same way.
export const engineModelOptions = {
  threads: { type: 'string', default: '2' },
  batch: { type: 'string', default: '64' },
  'train-steps': { type: 'string', default: '60' },
  'infer-steps': { type: 'string', default: '200' },
  // untimed steps before each timed phase, the same count on both sides: V8 optimises tfjs' JS paths
  // over the first hundred or so steps (5 warm-up steps measured a mix of cold and warm code)
  warmup: { type: 'string', default: '100' },
} as const;
