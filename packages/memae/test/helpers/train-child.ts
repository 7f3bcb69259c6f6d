// Child process for the resume test: trains with a checkpoint and prints one JSON line per batch,
// so the parent can SIGKILL it at a known point.
import { MemAE } from '../../src/detector/memae.js';
import { resumeSetup } from './resume-setup.js';

const [checkpoint, epochs] = process.argv.slice(2);
const { create, data, fit } = await resumeSetup();
const det = await MemAE.create(create);
await det.fit(data, {
  ...fit, epochs: Number(epochs), checkpoint, resume: true,
  onProgress: (e) => { if (e.phase === 'batch') process.stdout.write(JSON.stringify({ epoch: e.epoch, batch: e.batch }) + '\n'); },
});
process.stdout.write('done\n');
