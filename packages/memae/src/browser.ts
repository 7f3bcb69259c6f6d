// memae/browser: a saved model in the browser (tfjs webgl / wasm / cpu), with no Node built-ins.
//   import { loadBrowserDetector, selectBrowserBackend, imageToSample } from 'memae/browser';
//   await selectBrowserBackend();
//   const det = await loadBrowserDetector('./model/');   // a URL, indexeddb://NAME, or the directory's files
//   const { scores, anomalous, errorMaps } = await det.score(await imageToSample(file, 28, 28, 1));
export { loadBrowserDetector } from './browser/load.js';
export type { ModelSource } from './browser/load.js';
export { BrowserDetector } from './browser/detector.js';
export type { BrowserScores } from './browser/detector.js';
export { selectBrowserBackend } from './browser/backend.js';
export { imageToSample } from './browser/image.js';
export { csvRecords } from './browser/table.js';
export type { Preprocessing, RawRecord } from './preprocess/index.js';
export { UserError } from './errors/user-error.js';
export type { Manifest } from './io/manifest.js';
export { heatColor } from './report/colormap.js';
