// A served model's first request would pay for building and recording the model's native inference plan (about
// 5-15 ms for the reference model; docs/engine.md "Batch-1 scoring"). The service scores one blank sample, without
// and with error maps, before it listens: the first single-sample request then replays a recorded plan.
import type { DetectorPort } from '../run/detector-port.js';

export async function warmUp(det: DetectorPort): Promise<void> {
  const x = new Float32Array(det.inputShape.reduce((a, b) => a * b, 1));
  for (const maps of [false, true]) await det.scoreArray(x, 1, maps, true);
}
