// The options that bench/engine-speed.ts and its libtorch child (engine-speed-libtorch.ts) share: the parent
// passes them through to each round's child process, so both must read them the same way.
export const engineModelOptions = {
  threads: { type: 'string', default: '2' },
  batch: { type: 'string', default: '64' },
  'train-steps': { type: 'string', default: '60' },
  'infer-steps': { type: 'string', default: '200' },
} as const;
