// Every natively implemented kernel. Each family lives in its own file beside this one.
import { KernelConfig } from '@tensorflow/tfjs-core';
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';

export const nativeKernels: KernelConfig[] = [...elementwiseKernels, ...convKernels];
