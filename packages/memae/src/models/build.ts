// Builds the autoencoder for a ModelConfig as a tfjs functional model.
// Outputs: [reconstruction] for 'ae', [reconstruction, addressing weights] with a memory, and the encodings
// as a third output when the sliced Wasserstein loss is on.
import * as tfl from '@tensorflow/tfjs-layers';
import { MemoryLayer } from '../memory/memory-layer.js';
import { HashMemoryLayer } from '../memory/hash-memory-layer.js';
import { AttentionBlock } from '../mama/attention-block.js';
import { ModelConfig, usesMemory } from './config.js';
import { BatchNorm } from './batch-norm-layer.js';
import { CropToSize } from './crop-layer.js';
import './conv3d-transpose-grad.js';

type Sym = tfl.SymbolicTensor;

/** Official init: conv weights N(0, 0.02), BN gamma N(1, 0.02), biases 0. Seeds differ per layer. */
class Init {
  private n = 0;
  constructor(private readonly seed: number) {}
  next(): number { return this.seed * 1000 + ++this.n; }
  conv() { return tfl.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: this.next() }); }
  dense() { return tfl.initializers.glorotUniform({ seed: this.next() }); }
}

/** BatchNorm with PyTorch's semantics (momentum 0.1, eps 1e-5) then LeakyReLU. */
function bnAct(x: Sym, name: string, init: Init, slope: number): Sym {
  const bn = new BatchNorm({ name: `${name}_bn`, seed: init.next() }).apply(x) as Sym;
  return tfl.layers.leakyReLU({ name: `${name}_act`, alpha: slope }).apply(bn) as Sym;
}

/** MAMA Net's multi-scale global spatial attention block in place of a stride-2 (transposed) convolution. */
function attention(cfg: ModelConfig, name: string, filters: number, mode: 'down' | 'up', init: Init): AttentionBlock {
  return new AttentionBlock({ name, filters, mode, scales: cfg.attentionScales, fusion: cfg.attentionFusion, seed: init.next() });
}

function convStack(cfg: ModelConfig, x: Sym, init: Init): Sym {
  const video = cfg.kind === 'video';
  cfg.encoderChannels.forEach((ch, i) => {
    const name = `enc${i + 1}`;
    const common = { name, filters: ch, kernelSize: 3, padding: 'same' as const, kernelInitializer: init.conv(), biasInitializer: 'zeros' as const };
    x = (video
      ? tfl.layers.conv3d({ ...common, strides: i === 0 ? [1, 2, 2] : [2, 2, 2] })
      : cfg.attention ? attention(cfg, name, ch, 'down', init)
        : tfl.layers.conv2d({ ...common, strides: 2 })).apply(x) as Sym;
    x = bnAct(x, name, init, cfg.leakySlope);
  });
  return x;
}

function deconvStack(cfg: ModelConfig, x: Sym, init: Init): Sym {
  const video = cfg.kind === 'video';
  const outCh = cfg.inputShape[cfg.inputShape.length - 1];
  const widths = [...cfg.decoderChannels, outCh];
  widths.forEach((ch, i) => {
    const last = i === widths.length - 1;
    const name = last ? 'dec_out' : `dec${i + 1}`;
    const common = { name, filters: ch, kernelSize: 3, padding: 'same' as const, kernelInitializer: init.conv(), biasInitializer: 'zeros' as const };
    x = (video
      ? tfl.layers.conv3dTranspose({ ...common, strides: last ? [1, 2, 2] : [2, 2, 2] })
      : cfg.attention ? attention(cfg, name, ch, 'up', init)
      : tfl.layers.conv2dTranspose({ ...common, strides: 2 })).apply(x) as Sym;
    if (!last) x = bnAct(x, name, init, cfg.leakySlope);
  });
  return new CropToSize({ name: 'crop', size: cfg.inputShape.slice(0, -1) }).apply(x) as Sym;
}

function mlp(units: number[], x: Sym, prefix: string, init: Init, lastLinear: boolean): Sym {
  units.forEach((u, i) => {
    const linear = lastLinear && i === units.length - 1;
    x = tfl.layers.dense({ name: `${prefix}${i + 1}`, units: u, activation: linear ? 'linear' : 'tanh', kernelInitializer: init.dense(), biasInitializer: 'zeros' }).apply(x) as Sym;
  });
  return x;
}

interface MemoryStage { latent: Sym; weights?: Sym; query: Sym }

/**
 * The memory between encoder and decoder, shared by every data kind: softmax (MemAE) or hash (MAMA Net) addressing,
 * one query per code position ([B, C], [B, H, W, C] or [B, T, H, W, C]: the layers reshape any leading shape), or the
 * whole flattened code with memoryQuery 'code'. `query` is what the memory saw: the encodings of the SW loss.
 */
function memoryStage(cfg: ModelConfig, code: Sym, init: Init): MemoryStage {
  if (!usesMemory(cfg)) return { latent: code, query: code };
  const wholeCode = cfg.memoryQuery === 'code';
  const query = wholeCode ? tfl.layers.flatten({ name: 'code_flat' }).apply(code) as Sym : code;
  const mem = cfg.hashMemory
    ? new HashMemoryLayer({ name: 'memory', slots: cfg.slots, bits: cfg.hashBits, topK: cfg.hashTopK, seed: init.next() })
    : new MemoryLayer({ name: 'memory', slots: cfg.slots, shrinkThreshold: cfg.shrinkThreshold, similarity: cfg.similarity, seed: init.next() });
  const [read, weights] = mem.apply(query) as Sym[];
  const latent = wholeCode ? tfl.layers.reshape({ name: 'code_unflat', targetShape: code.shape.slice(1) as number[] }).apply(read) as Sym : read;
  return { latent, weights, query };
}

export function buildModel(cfg: ModelConfig): tfl.LayersModel {
  const init = new Init(cfg.seed);
  const input = tfl.input({ shape: cfg.inputShape, name: 'input' });
  const tabular = cfg.kind === 'tabular';
  const code = tabular ? mlp(cfg.encoderChannels, input, 'enc', init, true) : convStack(cfg, input, init);
  const { latent, weights, query } = memoryStage(cfg, code, init);
  const recon = tabular
    ? mlp([...cfg.decoderChannels, cfg.inputShape[0]], latent, 'dec', init, true)
    : deconvStack(cfg, latent, init);
  // the sliced Wasserstein loss needs the encodings: a third output (ignored by scoring)
  const outputs = weights ? (cfg.wassersteinWeight > 0 ? [recon, weights, query] : [recon, weights]) : [recon];
  return tfl.model({ name: `memae_${cfg.kind}_${cfg.variant}`, inputs: input, outputs });
}
