// Video training budget in optimizer steps, scaled to the number of training clips: 8 passes over the clips, at
// least 300 and at most 20,000 steps (run as whole epochs). 300 steps of batch 4 is what the video quality benchmark
// trains with (bench/video-quality.ts, docs/video-accuracy.md), with early stopping on a held-out part of the
// training video; the same shape as the tabular budget (`tabularSteps` in defaults.ts), meant for its `steps` slot.
export const videoSteps = (clips: number, batchSize: number): number => Math.round(Math.min(20000, Math.max(300, (8 * clips) / batchSize)));
