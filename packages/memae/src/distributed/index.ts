// Data-parallel training across processes and machines on PyTorch's c10d (Gloo).
export { DataParallel, type DataParallelOptions } from './data-parallel.js';
export { distEnv, type DistEnv } from './env.js';
export { joinGroup, DEFAULT_TIMEOUT_MS } from './group.js';
export { launchWorkers, freePort, LAUNCHED_ENV, type LaunchOptions } from './launch.js';
export { shardOf } from './sampler.js';
