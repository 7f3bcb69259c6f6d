// The model, data and options shared by the resume test and its child process.
import type { CreateOptions, FitOptions } from '../../src/detector/memae.js';
import { mnistSlice } from './mnist.js';

export async function resumeSetup() {
  const data = await mnistSlice({ split: 'train', digits: [3], limit: 32 });
  const create: CreateOptions = { kind: 'image', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], seed: 5 };
  const fit: FitOptions = { batchSize: 16, seed: 11, progressBar: false, scoreTraining: false };
  return { data, create, fit };
}
