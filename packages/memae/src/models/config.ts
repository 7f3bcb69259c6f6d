// Model configuration: data kind, ablation variant and architecture, with the paper's defaults.
import type { Similarity } from '../memory/addressing.js';
import { UserError } from '../errors/user-error.js';

export type DataKind = 'image' | 'video' | 'tabular';
/** The paper's ablations: plain autoencoder, memory without sparsity (lambda = alpha = 0), full MemAE. */
/** 'mama': MAMA Net: attention blocks (images only) + hash memory + sliced Wasserstein loss (each switchable). */
export type Variant = 'ae' | 'memae-nonspar' | 'memae' | 'mama';
export const DATA_KINDS: readonly DataKind[] = ['image', 'video', 'tabular'];
export const VARIANTS: readonly Variant[] = ['ae', 'memae-nonspar', 'memae', 'mama'];
export type AttentionFusionName = 'mean' | 'concat';
export type SwTarget = 'memory' | 'gaussian';
/** What one memory query is: every spatial position's C-vector (official code) or the whole flattened code. */
export type MemoryQuery = 'location' | 'code';
export const MEMORY_QUERIES: readonly MemoryQuery[] = ['location', 'code'];

export interface ModelConfig {
  kind: DataKind;
  variant: Variant;
  /** one sample without the batch axis: image [H, W, C], video [T, H, W, 1], tabular [F] */
  inputShape: number[];
  /** output widths of the encoder layers (conv channels, or MLP units; the last one is the code size C) */
  encoderChannels: number[];
  /** output widths of the decoder layers before the final layer (which has the input's channels/features) */
  decoderChannels: number[];
  /** memory slots N (ignored by 'ae') */
  slots: number;
  /** hard-shrinkage threshold lambda (0 for 'ae' and 'memae-nonspar') */
  shrinkThreshold: number;
  /** weight alpha of the entropy loss (0 for 'ae' and 'memae-nonspar') */
  entropyWeight: number;
  similarity: Similarity;
  /**
   * 'location': every position of the encoder's feature map is one query of C values (official code, video);
   * 'code': the whole flattened code is one query (image default: chosen on a validation split, docs/accuracy.md).
   */
  memoryQuery: MemoryQuery;
  /** slope of LeakyReLU after conv layers (official 0.2) */
  leakySlope: number;
  /** seed of the weight initialisation */
  seed: number;
  // MAMA Net parts (image and video models; see docs/mama.md). Default on for 'mama', off otherwise; each can be
  // set on any memory variant for ablations (attention also on 'ae'). Attention is for image models only.
  /** multi-scale global spatial attention blocks instead of (transposed) convolutions (image models) */
  attention: boolean;
  /** key/value pooling factors of the attention blocks */
  attentionScales: number[];
  attentionFusion: AttentionFusionName;
  /** hash (Hamming) addressing instead of softmax addressing */
  hashMemory: boolean;
  /** code length of the hash memory */
  hashBits: number;
  /** slots read per query by the hash memory */
  hashTopK: number;
  /** weight of the sliced Wasserstein loss between encodings and the target distribution (0 = off) */
  wassersteinWeight: number;
  /** random projections of the sliced Wasserstein distance */
  swProjections: number;
  /** target distribution of the encodings: the memory slots, or N(0, I) */
  swTarget: SwTarget;
}

export type ModelOptions = Pick<ModelConfig, 'kind' | 'inputShape'> & Partial<Omit<ModelConfig, 'kind' | 'inputShape'>>;

const ALPHA = 0.0002; // official video script
/** default weight of the sliced Wasserstein loss for 'mama' (chosen in docs/mama.md) */
export const SW_WEIGHT = 0.1;

function checkMama(c: ModelConfig): void {
  const any = c.attention || c.hashMemory || c.wassersteinWeight > 0;
  if (c.variant === 'mama' && c.kind === 'tabular') throw new UserError('variant "mama" (MAMA Net) is for image and video data, not tabular: use "memae" or "ae"');
  if (any && c.kind === 'tabular') throw new UserError('attention, hashMemory and wassersteinWeight are MAMA Net options for image and video models, not tabular');
  // global attention over a 3D map costs positions^2 per block (docs/mama.md, "Video"): images only
  if (c.attention === true && c.kind === 'video') throw new UserError('attention is for image models only (global attention over 3D video feature maps is too costly); use hashMemory and wassersteinWeight on video');
  if ((c.hashMemory || c.wassersteinWeight > 0) && c.variant === 'ae') throw new UserError('hashMemory and wassersteinWeight need a memory: use variant "memae" or "mama", not "ae"');
  if (typeof c.attention !== 'boolean' || typeof c.hashMemory !== 'boolean') throw new UserError('attention and hashMemory must be true or false');
  if (!Array.isArray(c.attentionScales) || c.attentionScales.length === 0 || !c.attentionScales.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new UserError(`attentionScales must be a non-empty list of integers >= 1, got ${JSON.stringify(c.attentionScales)}`);
  }
  if (c.attentionFusion !== 'mean' && c.attentionFusion !== 'concat') throw new UserError(`attentionFusion must be "mean" or "concat", got "${String(c.attentionFusion)}"`);
  if (!Number.isInteger(c.hashBits) || c.hashBits < 1 || c.hashBits > 1024) throw new UserError(`hashBits must be an integer in [1, 1024], got ${c.hashBits}`);
  if (!Number.isInteger(c.hashTopK) || c.hashTopK < 1 || c.hashTopK > c.slots) throw new UserError(`hashTopK must be an integer in [1, slots], got ${c.hashTopK}`);
  if (!(c.wassersteinWeight >= 0)) throw new UserError(`wassersteinWeight must be >= 0, got ${c.wassersteinWeight}`);
  if (!Number.isInteger(c.swProjections) || c.swProjections < 1) throw new UserError(`swProjections must be a positive integer, got ${c.swProjections}`);
  if (c.swTarget !== 'memory' && c.swTarget !== 'gaussian') throw new UserError(`swTarget must be "memory" or "gaussian", got "${String(c.swTarget)}"`);
}

interface KindDefaults { encoderChannels: number[]; decoderChannels: number[]; slots: number; shrinkThreshold: number; memoryQuery: MemoryQuery }

function kindDefaults(kind: DataKind, inputShape: number[], enc?: number[]): KindDefaults {
  if (kind === 'video') {
    const e = enc ?? [96, 128, 256, 256];
    // official decoder: ConvT 256->256, 256->128, 128->96, 96->1. 500 slots (the paper: 2000): better validation
    // AUC and loss on the video benchmark's validation videos, 5 seeds x 2 sources (docs/video-accuracy.md)
    return { encoderChannels: e, decoderChannels: e.slice().reverse().slice(1), slots: 500, shrinkThreshold: 0.0025, memoryQuery: 'location' };
  }
  if (kind === 'tabular') {
    const e = enc ?? tabularEncoder(inputShape[0]);
    return { encoderChannels: e, decoderChannels: e.slice(0, -1).reverse(), slots: 50, shrinkThreshold: 1 / 50, memoryQuery: 'location' };
  }
  // images: MNIST-sized grayscale 16-32-64 with N = 100; larger or RGB 64-128-128-256 with N = 500
  const small = inputShape[2] === 1 && Math.max(inputShape[0], inputShape[1]) <= 32;
  const e = enc ?? (small ? [16, 32, 64] : [64, 128, 128, 256]);
  // paper: Dconv(64)-Dconv(32)-Dconv(1) after Conv(16)-Conv(32)-Conv(64): the reversed encoder widths, last replaced
  const decoderChannels = e.slice().reverse().slice(0, -1);
  // Small images: the whole code as one query, N = 50, lambda = 1.5/N. Chosen on a validation split of MNIST's
  // training data (held-out normal images vs other classes' training images), never the test set: mean validation
  // AUROC 0.956 against 0.79 for the paper's per-location N = 100 (docs/accuracy.md, bench/one_class_torch.py).
  if (small) return { encoderChannels: e, decoderChannels, slots: 50, shrinkThreshold: 1.5 / 50, memoryQuery: 'code' };
  // larger images: the paper's CIFAR-10 settings (N = 500), per-location queries, lambda = 3/N
  return { encoderChannels: e, decoderChannels, slots: 500, shrinkThreshold: 3 / 500, memoryQuery: 'location' };
}

/**
 * Tables: a tanh MLP sized from the feature count F: widths clamp(2F, 16, 128), clamp(F, 8, 64) and a linear code
 * of min(3, F - 1) units (at least 1). Chosen on validation parts of the tabular benchmark's training data over the
 * paper's fixed 120-60-30-10-3 (whose 3-unit code passes a 3-feature row through unchanged) and over a code of
 * sqrt(F) units (docs/accuracy-tabular.md).
 */
export function tabularEncoder(features: number): number[] {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  return [clamp(2 * features, 16, 128), clamp(features, 8, 64), clamp(features - 1, 1, 3)];
}

function checkShape(kind: DataKind, s: number[]): void {
  const ok = Array.isArray(s) && s.every((d) => Number.isInteger(d) && d > 0);
  const rank = kind === 'image' ? 3 : kind === 'video' ? 4 : 1;
  const want = kind === 'image' ? '[height, width, channels]' : kind === 'video' ? '[frames, height, width, 1]' : '[features]';
  if (!ok || s.length !== rank) throw new UserError(`inputShape for ${kind} data must be ${want} with positive integers, got ${JSON.stringify(s)}`);
  if (kind === 'video' && s[3] !== 1) throw new UserError(`video clips must be grayscale ([frames, height, width, 1]), got ${JSON.stringify(s)}`);
}

/** Fills in the defaults for a data kind and variant and validates the result. */
export function resolveConfig(o: ModelOptions): ModelConfig {
  if (!DATA_KINDS.includes(o.kind)) throw new UserError(`kind must be one of ${DATA_KINDS.join(', ')}, got "${String(o.kind)}"`);
  const variant = o.variant ?? 'memae';
  if (!VARIANTS.includes(variant)) throw new UserError(`variant must be one of ${VARIANTS.join(', ')}, got "${String(variant)}"`);
  checkShape(o.kind, o.inputShape);
  const d = kindDefaults(o.kind, o.inputShape, o.encoderChannels);
  const mama = variant === 'mama';
  const hashMemory = o.hashMemory ?? mama;
  // the hash memory reads one-hot (or top-k) weights: shrinkage and the entropy loss do not apply
  const sparse = (variant === 'memae' || mama) && !hashMemory;
  const cfg: ModelConfig = {
    kind: o.kind,
    variant,
    inputShape: o.inputShape.slice(),
    encoderChannels: d.encoderChannels,
    decoderChannels: o.decoderChannels ?? d.decoderChannels,
    slots: o.slots ?? d.slots,
    shrinkThreshold: sparse ? (o.shrinkThreshold ?? d.shrinkThreshold) : 0,
    entropyWeight: sparse ? (o.entropyWeight ?? ALPHA) : 0,
    similarity: o.similarity ?? 'dot',
    memoryQuery: o.memoryQuery ?? d.memoryQuery,
    leakySlope: o.leakySlope ?? 0.2,
    seed: o.seed ?? 0,
    // video 'mama' = hash memory + SW loss: no attention blocks (too costly in 3D, docs/mama.md)
    attention: o.attention ?? (mama && o.kind === 'image'),
    attentionScales: o.attentionScales ?? [1, 2, 4],
    attentionFusion: o.attentionFusion ?? 'mean',
    hashMemory,
    hashBits: o.hashBits ?? 16,
    hashTopK: o.hashTopK ?? 1,
    wassersteinWeight: o.wassersteinWeight ?? (mama ? SW_WEIGHT : 0),
    swProjections: o.swProjections ?? 64,
    swTarget: o.swTarget ?? 'memory',
  };
  checkMama(cfg);
  const positiveInts = (a: number[]) => Array.isArray(a) && a.length > 0 && a.every((v) => Number.isInteger(v) && v > 0);
  if (!positiveInts(cfg.encoderChannels)) throw new UserError(`encoderChannels must be a non-empty list of positive integers, got ${JSON.stringify(cfg.encoderChannels)}`);
  if (!Array.isArray(cfg.decoderChannels) || !(cfg.decoderChannels.length === 0 || positiveInts(cfg.decoderChannels))) throw new UserError(`decoderChannels must be a list of positive integers, got ${JSON.stringify(cfg.decoderChannels)}`);
  if (cfg.kind !== 'tabular' && cfg.decoderChannels.length !== cfg.encoderChannels.length - 1) {
    throw new UserError(`decoderChannels needs ${cfg.encoderChannels.length - 1} entries (one per upsampling layer before the last), got ${cfg.decoderChannels.length}`);
  }
  if (!Number.isInteger(cfg.slots) || cfg.slots < 1) throw new UserError(`slots must be a positive integer, got ${cfg.slots}`);
  if (!(cfg.shrinkThreshold >= 0 && cfg.shrinkThreshold < 1)) throw new UserError(`shrinkThreshold must be in [0, 1), got ${cfg.shrinkThreshold}`);
  if (!(cfg.entropyWeight >= 0)) throw new UserError(`entropyWeight must be >= 0, got ${cfg.entropyWeight}`);
  if (cfg.similarity !== 'dot' && cfg.similarity !== 'cosine') throw new UserError(`similarity must be "dot" or "cosine", got "${String(cfg.similarity)}"`);
  if (!MEMORY_QUERIES.includes(cfg.memoryQuery)) throw new UserError(`memoryQuery must be "location" or "code", got "${String(cfg.memoryQuery)}"`);
  if (cfg.memoryQuery === 'code' && cfg.kind !== 'image') throw new UserError(`memoryQuery "code" is for image models; ${cfg.kind} models use "location"`);
  if (!Number.isInteger(cfg.seed)) throw new UserError(`seed must be an integer, got ${cfg.seed}`);
  return cfg;
}

export const usesMemory = (c: Pick<ModelConfig, 'variant'>): boolean => c.variant !== 'ae';
