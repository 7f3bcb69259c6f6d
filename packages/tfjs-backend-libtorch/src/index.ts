// tfjs-backend-libtorch: a TensorFlow.js backend on libtorch.
//   import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
//   registerLibtorchBackend(); await tf.setBackend('libtorch');
export { registerLibtorchBackend, nativeKernelNames } from './register.js';
export type { RegisterOptions } from './register.js';
export { LibtorchBackend, NativePlan } from './backend.js';
export { LibtorchNotFoundError, addonLocation, loadAddon } from './native.js';
export type { AddonLocation, AddonOrigin } from './native.js';
export { fallbackKernelsUsed } from './fallback.js';
export { ProcessGroup, DistributedError, distributedAvailable } from './distributed.js';
export type { ProcessGroupOptions } from './distributed.js';
