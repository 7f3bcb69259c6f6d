// A user's plain-node script against the installed tarballs: train MemAE on a slice of KDD Cup 99, score, save.
// node train.mjs KDD_FILE MODEL_DIR -> one JSON line
import { MemAE, auroc, loadKdd } from 'memae';

const [kddFile, modelDir] = process.argv.slice(2);
const kdd = await loadKdd({ path: kddFile, limit: 30000, seed: 0 });
const det = await MemAE.create({ kind: 'tabular', inputShape: kdd.train.sampleShape, seed: 0 });
await det.fit(kdd.train, { epochs: 4, batchSize: 64, seed: 0 });
const scores = await det.score(kdd.test);
await det.save(modelDir);
// the first 8 test rows go to the browser check, which must give the same scores
const rows = Array.from(kdd.test.gather([0, 1, 2, 3, 4, 5, 6, 7]));
console.log(JSON.stringify({ auroc: auroc(kdd.test.labels, scores), test: kdd.test.size, rows, scores: Array.from(scores.slice(0, 8)) }));
det.dispose();
