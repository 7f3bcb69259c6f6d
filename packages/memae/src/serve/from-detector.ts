// A saved detector as a ServedModel: scores and error maps of a batch in one forward pass.
import type { DetectorPort } from '../run/detector-port.js';
import type { ServedModel } from './served-model.js';

export function servedModel(name: string, det: DetectorPort): ServedModel {
  return {
    name,
    kind: det.kind,
    variant: det.variant,
    inputShape: det.inputShape,
    threshold: det.threshold,
    mapShape: det.errorMapShape,
    preprocessing: det.preprocessing,
    // a batch mixes requests: an overflowing score is answered 400 to its own request only (server.ts)
    run: (x, n, withMaps) => det.scoreArray(x, n, withMaps, true),
    dispose: () => det.dispose(),
  };
}
