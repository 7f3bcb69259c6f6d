// The video part of the run config (`data.video`) and its command-line flags.
import { z } from 'zod';

const int = (min: number) => z.number().int().min(min);

export const VideoDataSchema = z.strictObject({
  /** side of the square frames the model sees (official: 256; 64 keeps CPU training short) */
  size: int(8).max(4096).default(64),
  /** frames per clip (official: 16) */
  clipLength: int(1).default(16),
  /** training clip stride (official: 1; scoring always uses 1) */
  stride: int(1).default(1),
  /** ground truth overriding the search (a UCSD .m file, a folder of per-video files, or one concatenated file) */
  labels: z.string().optional(),
  /** read at most this many frames of every video */
  maxFrames: int(1).optional(),
});
export type VideoDataConfig = z.infer<typeof VideoDataSchema>;

export interface VideoFlags {
  frameSize?: number;
  clipLength?: number;
  clipStride?: number;
  labels?: string;
  maxFrames?: number;
}

/** The `data.video` flags, or undefined when none is given (so other data sources' configs stay as they were). */
export function videoFlags(f: VideoFlags): Partial<VideoDataConfig> | undefined {
  const v = { size: f.frameSize, clipLength: f.clipLength, stride: f.clipStride, labels: f.labels, maxFrames: f.maxFrames };
  return Object.values(v).some((x) => x !== undefined) ? v : undefined;
}
