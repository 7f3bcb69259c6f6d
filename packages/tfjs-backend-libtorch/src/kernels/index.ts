// Every natively implemented kernel. Each family lives in its own file beside this one.
import { KernelConfig } from '@tensorflow/tfjs-core';
import { activationKernels } from './activation.js';
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import { gradientKernels } from './gradients.js';
import { matmulKernels } from './matmul.js';
import { miscKernels } from './misc.js';
import { normKernels } from './norm.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';
import { shapeKernels } from './shape.js';

export const nativeKernels: KernelConfig[] = [
  ...elementwiseKernels, ...reduceKernels, ...shapeKernels, ...miscKernels,
  ...convKernels, ...activationKernels, ...matmulKernels, ...normKernels, ...poolKernels, ...gradientKernels,
];
