// Every natively implemented kernel. Each family lives in its own file beside this one.
import { KernelConfig } from '@tensorflow/tfjs-core';
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import { miscKernels } from './misc.js';
import { reduceKernels } from './reduce.js';
import { shapeKernels } from './shape.js';

export const nativeKernels: KernelConfig[] = [...elementwiseKernels, ...reduceKernels, ...shapeKernels, ...miscKernels, ...convKernels];
