// The `memae` command line (commander). Subcommands load their code lazily so `--help` stays instant.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UserError, oneLine } from '../errors/user-error.js';
import { MEMORY_QUERIES, VARIANTS } from '../models/config.js';
import { ExitCode } from './exit-codes.js';
import { addCsvOptions } from './csv-flags.js';
import { TRAIN_DEFAULTS } from '../train/defaults.js';
import { BASELINE_CHOICES } from '../run/baseline-choice.js';

// the library's defaults (train/defaults.ts), shown in --help so CLI and library cannot drift apart
const { image, video, tabular } = TRAIN_DEFAULTS;
const byKind = (k: 'epochs' | 'batchSize'): string =>
  k === 'epochs'
    ? `default: optimizer steps from the data size, in the library (train/defaults.ts): images 10 passes, video 8 passes over the clips, tables 8 passes; at least ${image.steps!(1, 1e9)} / ${video.steps!(1, 1e9)} / ${tabular.steps!(0, 1)} and at most ${tabular.steps!(1e12, 1)} steps`
    : `default: the library's for the data kind: ${image.batchSize} images, ${video.batchSize} video, ${tabular.batchFor ? `${tabular.batchFor(0)}-${tabular.batchFor(1e12)} tables (from the row count)` : `${tabular.batchSize} tables`}`;
import { addDistributedOptions } from './distributed-options.js';
import { VERSION } from '../version.js';

const intArg = (name: string, min = 0) => (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got '${v}'`);
  return Number(v);
};
const numArg = (name: string) => (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number >= 0, got '${v}'`);
  return n;
};

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  runtime failure (a bug, an engine error)
  2  usage or user error (bad option, bad config, missing file, wrong data)`;

function addDataOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--data <source>', 'data source').choices(['fashion-mnist', 'mnist', 'folder', 'csv', 'video']))
    .option('--data-path <path>', 'IDX directory, image folder or CSV file (fashion-mnist defaults to /usr/share/datasets/fashion-mnist)')
    .option('--normal-class <k>', 'class used as normal (one-class protocol, IDX data)', intArg('--normal-class'))
    .option('--test-limit <n>', 'evaluate at most n test samples (classes kept in proportion)', intArg('--test-limit', 1))
    .option('--frame-size <n>', 'video: frames resized to n x n gray (default 64; a saved model uses its own)', intArg('--frame-size', 8))
    .option('--clip-length <n>', 'video: frames per clip (default 16)', intArg('--clip-length', 1))
    .option('--clip-stride <n>', 'video: frames between training clips (default 1)', intArg('--clip-stride', 1))
    .option('--labels <path>', 'video: frame labels (UCSD .m file, folder of per-video .npy/.txt, or one file)')
    .option('--max-frames <n>', 'video: read at most n frames of every video', intArg('--max-frames', 1));
}
const listArg = (name: string) => (v: string): number[] => {
  const xs = v.split(',').map((x) => x.trim());
  if (!xs.every((x) => /^\d+$/.test(x) && Number(x) > 0)) throw new InvalidArgumentError(`${name} must be positive integers separated by commas, got '${v}'`);
  return xs.map(Number);
};

const commonOptions = (cmd: Command): Command =>
  cmd.option('-q, --quiet', 'print only the result lines').option('--json', 'print one JSON object on stdout and nothing else');

export function buildProgram(): Command {
  const program = new Command('memae')
    .description('Deep anomaly detection with memory-augmented autoencoders (MemAE).')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  memae train                               train MemAE on Fashion-MNIST (class 0 normal), print AUROC, write a report
  memae train --normal-class 7 --epochs 10  another normal class, 10 epochs
  memae train --config run.yaml             options from a JSON or YAML file
  memae score runs/latest/model --data mnist --data-path ./mnist
  memae eval runs/latest/model --out runs/eval1 && memae report runs/eval1
  memae serve runs/latest/model --port 8080
  memae watch runs/ped2/model --input cam.mp4     online per-frame scores of a video stream
  memae info
${EXIT_CODES_HELP}`,
    );

  addDistributedOptions(addCsvOptions(addDataOptions(commonOptions(program.command('train'))), true))
    .description('Train a detector on the normal class, evaluate it on the test set and write a run directory with a report.')
    .option('-c, --config <file>', 'JSON or YAML config file (command-line options win)')
    .addOption(new Option('--variant <v>', 'model variant (mama: MAMA Net, image data only)').choices(VARIANTS))
    .option('--epochs <n>', `training epochs (${byKind('epochs')})`, intArg('--epochs', 1))
    .option('--batch-size <n>', `batch size (${byKind('batchSize')})`, intArg('--batch-size', 1))
    .option('--lr <x>', `Adam's learning rate (default: the library's: ${image.learningRate} images, ${video.learningRate} video, ${tabular.learningRate} tables, peak of a warm-up and cosine decay)`, numArg('--lr'))
    .option('--trim-fraction <x>', 'robust training: after warm-up each batch leaves this fraction [0, 0.5) of its highest-error samples out of the loss (default 0)', numArg('--trim-fraction'))
    .option('--input-noise <x>', 'denoising: std of Gaussian noise added to training inputs, not targets (default 0)', numArg('--input-noise'))
    .option('--refit-fraction <x>', 'train a second time without this fraction [0, 0.5) of the training samples the first model scored highest (default 0)', numArg('--refit-fraction'))
    .option('--residual-score', 'tables: score each feature\'s residual standardised by the training rows\' median and MAD (the default for tables)')
    .option('--no-residual-score', 'tables: score the plain mean squared reconstruction error')
    .option('--code-score', 'images: score by the mean distance from an image\'s code to the 5 nearest training images\' codes (the default for images)')
    .option('--no-code-score', 'images: score the mean squared reconstruction error')
    .option('--memory-size <n>', 'memory slots N', intArg('--memory-size', 1))
    .option('--shrink <x>', 'hard-shrinkage threshold lambda', numArg('--shrink'))
    .option('--entropy-weight <x>', 'entropy loss weight alpha', numArg('--entropy-weight'))
    .addOption(new Option('--memory-query <q>', 'images: the whole code is one memory query (code, default) or every latent position is one (location, the official code)').choices(MEMORY_QUERIES))
    .option('--attention', 'MAMA Net attention blocks instead of (transposed) convolutions (default on for mama)')
    .option('--no-attention', 'plain (transposed) convolutions')
    .option('--hash-memory', 'MAMA Net hash (Hamming) addressing instead of softmax addressing (default on for mama)')
    .option('--no-hash-memory', 'softmax addressing')
    .option('--wasserstein-weight <x>', 'weight of the sliced Wasserstein loss (default 0.1 for mama, else 0)', numArg('--wasserstein-weight'))
    .option('--ensemble <k>', `tables and images: train k networks from different seeds and score with the mean of their scores (default ${TRAIN_DEFAULTS.tabular.ensemble} for tables, or 1 with --nproc; ${TRAIN_DEFAULTS.image.ensemble} for images: k times the training time; 1 trains one network)`, intArg('--ensemble', 1))
    .option('--encoder-channels <list>', 'encoder widths, e.g. 8,16,32,32 (default: the data kind\'s; video: 96,128,256,256)', listArg('--encoder-channels'))
    .option('--train-limit <n>', 'train on at most n normal samples', intArg('--train-limit', 1))
    .option('--seed <n>', 'random seed', intArg('--seed'))
    .option('-o, --out <dir>', 'run directory (default runs/<date>-<variant>-c<class>)')
    .addOption(new Option('--baseline <name>', 'the baseline fitted on the same training data and scored on the same test set, printed beside the AUROC and kept in metrics.json and the report (auto: isolation forest for tables, k-NN distance for images, frame differencing for video; none: skip it)').choices(BASELINE_CHOICES).default('auto'))
    .addHelpText(
      'after',
      `
Examples:
  memae train                                      Fashion-MNIST, class 0 normal, the default budget (2-3 minutes)
  memae train --variant ae -o runs/ae              the plain autoencoder baseline
  memae train --variant mama --no-hash-memory      MAMA Net with softmax addressing (ablation)
  memae train --train-limit 500 --test-limit 500 --epochs 1 --json   a quick scripted run
  memae train --data csv --data-path kdd.csv --label-column label
  memae train --data csv --data-path train.csv --no-header --label-column 41 --normal-labels normal. --test-data test.csv
  memae train --data folder --data-path parts/      parts/normal/ trains, parts/test/{good,bad}/ tests
  memae train --data video --data-path UCSDped2 --frame-size 64 -o runs/ped2   video (UCSD, Avenue, or a folder of videos)

Config file (YAML; every key optional, unknown keys are errors):
  data:  { source: fashion-mnist, normalClass: 3, trainLimit: 6000, testLimit: 2000 }
  model: { variant: memae, memorySize: 50, shrinkThreshold: 0.03, entropyWeight: 0.0002, memoryQuery: code }
  # MAMA Net, one part off: model: { variant: mama, hashMemory: false, wassersteinWeight: 0.1 }
  train: { epochs: 5, batchSize: 64, learningRate: 0.001, seed: 1 }
  out: runs/fmnist-c3`,
    )
    .action(async (opts) => (await import('./commands/train.js')).train(opts));

  addCsvOptions(addDataOptions(commonOptions(program.command('score'))), false)
    .description('Score inputs with a saved model (through its saved preprocessing): one anomaly score per image file, table row or sample.')
    .argument('<model-dir>', 'a saved model directory')
    .argument('[inputs...]', "image files, folders (searched recursively for images; links to folders not followed), CSV/TSV files, '-' (CSV on stdin), or video files and frame folders (video models: per-frame scores)")
    .option('--csv', 'print the results as CSV (id,score,anomaly) on stdout')
    .option('-o, --out <file>', 'write the scores as JSON to this file')
    .addHelpText('after', `
Each result carries its id: the image file, or FILE#ROW for table rows (data rows counted from 1).
Examples:
  memae score runs/latest/model shoe.png photos/            images, one line each
  memae score runs/kdd/model new-rows.csv --csv > scores.csv
  cat rows.csv | memae score runs/kdd/model - --json
  memae score runs/latest/model                              score the Fashion-MNIST test set
  memae score runs/latest/model --data csv --data-path rows.csv -o scores.json
  memae score runs/ped2/model clip.mp4 --csv            per-frame scores and regularity of a video`)
    .action(async (modelDir, inputs, opts) => (await import('./commands/score.js')).score(modelDir, { ...opts, inputs }));

  addCsvOptions(addDataOptions(commonOptions(program.command('eval'))), false)
    .description('Evaluate a saved model on labelled data: AUROC, ROC/PR curves, sample images; writes a run directory.')
    .argument('<model-dir>', 'a saved model directory')
    .option('-o, --out <dir>', 'run directory to write (default: <model-dir>/../eval)')
    .addHelpText('after', `
Examples:
  memae eval runs/latest/model --normal-class 0 -o runs/eval-c0
  memae report runs/eval-c0`)
    .action(async (modelDir, opts) => (await import('./commands/eval.js')).evaluate(modelDir, opts));

  program
    .command('watch')
    .description('Score a live frame stream with a video model: one line per frame as soon as its clip is complete.')
    .argument('<model-dir>', 'a saved video model directory')
    .requiredOption('-i, --input <file|->', "a video file or stream URL ffmpeg reads, or '-' for stdin")
    .addOption(new Option('--format <f>', "stdin: 'raw' gray frames of the model's size (ffmpeg -f rawvideo -pix_fmt gray -s SxS), or 'video' (any container ffmpeg reads)").choices(['raw', 'video']).default('raw'))
    .option('--window <n>', 'clips in the running regularity window', intArg('--window', 1), 1000)
    .option('--batch <n>', 'most clips per forward pass when frames arrive faster than they are scored', intArg('--batch', 1), 8)
    .option('--json', 'one JSON object per line (frame, score, regularity, anomaly)')
    .addHelpText('after', `
Output: one line per frame, 'frame<TAB>score<TAB>regularity<TAB>anomaly' (anomaly: score above the model threshold).
Examples:
  memae watch runs/ped2/model --input cam.mp4
  ffmpeg -i rtsp://cam/stream -f rawvideo -pix_fmt gray -s 64x64 - | memae watch runs/ped2/model --input -`)
    .action(async (modelDir, opts) => (await import('./commands/watch.js')).watch(modelDir, opts));

  commonOptions(program.command('bench'))
    .description('Measure training and inference speed (samples/s) on real Fashion-MNIST batches.')
    .option('--batch-size <n>', 'batch size', intArg('--batch-size', 1), 64)
    .option('--steps <n>', 'timed steps per phase', intArg('--steps', 1), 20)
    .addOption(new Option('--variant <v>', 'model variant').choices(VARIANTS).default('memae'))
    .addHelpText('after', `
Examples:
  memae bench
  memae bench --batch-size 128 --steps 50 --json > bench.json`)
    .action(async (opts) => (await import('./commands/bench.js')).bench(opts));

  commonOptions(program.command('report'))
    .description('Write one self-contained offline HTML report of a run directory (plots, top anomalies, memory items).')
    .argument('<run-dir>', 'a run directory written by memae train or memae eval')
    .option('-o, --out <file>', 'HTML file to write (default <run-dir>/report.html)')
    .addHelpText('after', `
Examples:
  memae report runs/latest
  memae report runs/eval-c0 -o /tmp/report.html`)
    .action(async (runDir, opts) => (await import('./commands/report.js')).report(runDir, opts));

  program
    .command('serve')
    .description('Serve saved models over HTTP: POST /v1/models/{name}/score, GET /v1/models, /healthz, /metrics.')
    .argument('<model-dir...>', 'saved model directories; name = directory name, or NAME=DIR')
    .option('-p, --port <n>', 'port (0 = any free port)', intArg('--port'), 8080)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--max-batch <n>', 'largest micro-batch (samples per forward pass)', intArg('--max-batch', 1), 64)
    .option('--max-wait-ms <ms>', 'how long a request may wait for others to batch with', numArg('--max-wait-ms'), 2)
    .option('--body-limit <bytes>', 'largest request body', intArg('--body-limit', 1), 8 * 1024 * 1024)
    .option('--video-body-limit <bytes>', 'largest video upload (POST /v1/models/{name}/score-video)', intArg('--video-body-limit', 1), 256 * 1024 * 1024)
    .option('--max-queue <n>', 'scoring requests in progress at once; more get 503 + Retry-After', intArg('--max-queue', 1), 512)
    .option('--request-timeout-ms <ms>', 'a request must arrive completely within this time', intArg('--request-timeout-ms', 100), 30_000)
    .option('--max-connections <n>', 'open connections at once', intArg('--max-connections', 1), 1024)
    .option('--max-image-pixels <n>', 'refuse request images with more pixels (from their header, before decoding)', intArg('--max-image-pixels', 1), 4096 * 4096)
    .option('--token-file <file>', 'require Authorization: Bearer <token> (file holds the token; or set MEMAE_SERVE_TOKEN)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('-q, --quiet', 'no request log')
    .option('--worker', 'run the forward passes in a worker thread (overlaps them with HTTP work when a core is free; see docs/serve.md)')
    .option('--no-warm-up', 'skip scoring one blank sample per model before listening (the warm-up takes the native plan\'s first build off the first request)')
    .addHelpText('after', `
Examples:
  memae serve runs/latest/model
  memae serve fmnist=runs/latest/model --port 9000
  curl -s --data-binary @shoe.png -H 'content-type: image/png' localhost:8080/v1/models/fmnist/score`)
    .action(async (dirs, opts) => (await import('./commands/serve.js')).serve(dirs, opts));

  program
    .command('info')
    .description('Show versions, the tensor backend, the default dataset, and a saved model (its configuration and the preprocessing new inputs go through) when given one.')
    .argument('[model-dir]', 'a saved model directory')
    .option('--json', 'print one JSON object')
    .addHelpText('after', `
Examples:
  memae info
  memae info runs/latest/model --json`)
    .action(async (modelDir, opts) => (await import('./commands/info.js')).info(modelDir, opts));

  for (const c of program.commands) c.showHelpAfterError('(run with --help for usage)');
  return program;
}

/** Runs the CLI with `argv` (process.argv layout) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (or the help)
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return ExitCode.Ok;
      // `memae` without a command: help on stderr, exit 1 (commander's convention)
      return e.code === 'commander.help' ? ExitCode.Failure : ExitCode.Usage;
    }
    if ((e as Error)?.name === 'DistributedError') { // a peer left or timed out mid-run: one line, exit 1
      process.stderr.write(`memae: ${oneLine((e as Error).message)}\n`);
      return ExitCode.Failure;
    }
    if (e instanceof UserError) {
      process.stderr.write(`memae: ${oneLine(e.message)}\n`);
      return ExitCode.Usage;
    }
    process.stderr.write(`memae: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return ExitCode.Failure;
  }
}
