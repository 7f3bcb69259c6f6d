// Video data path and evaluation: frame folders and video files in, clips out, frame-level AUC back.
export * from './npy.js';
export * from './labels.js';
export * from './frames.js';
export * from './ffmpeg.js';
export * from './layout.js';
export * from './clips.js';
export * from './align.js';
export * from './evaluate.js';
export * from './score-frames.js';
export * from './stream.js';
