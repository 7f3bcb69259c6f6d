// Lists which tfjs kernels run natively on the libtorch backend and which fall back to tfjs-cpu
// (every kernel tfjs-cpu has and the backend does not implement), as markdown.
//   npx tsx packages/tfjs-backend-libtorch/bench/kernel-coverage.ts
import { getKernelsForBackend } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { nativeKernelNames, registerLibtorchBackend } from '../src/index.js';

registerLibtorchBackend();
const native = new Set(nativeKernelNames());
const cpu = getKernelsForBackend('cpu').map((k) => k.kernelName).sort();
const fallback = cpu.filter((k) => !native.has(k));
console.log(`native (${native.size}): ${[...native].sort().join(', ')}\n`);
console.log(`fall back to tfjs-cpu (${fallback.length}): ${fallback.join(', ')}`);
