// The `memae` command line (commander). Subcommands load their code lazily so `--help` stays instant.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../errors/user-error.js';
import { MEMORY_QUERIES, VARIANTS } from '../models/config.js';
import { ExitCode } from './exit-codes.js';
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
    .addOption(new Option('--data <source>', 'data source').choices(['fashion-mnist', 'mnist', 'folder', 'csv']))
    .option('--data-path <path>', 'IDX directory, image folder or CSV file (fashion-mnist defaults to /usr/share/datasets/fashion-mnist)')
    .option('--normal-class <k>', 'class used as normal (one-class protocol, IDX data)', intArg('--normal-class'))
    .option('--label-column <name>', 'CSV: label column (1 = anomaly)')
    .option('--test-limit <n>', 'evaluate at most n test samples (classes kept in proportion)', intArg('--test-limit', 1));
}

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
  memae train --normal-class 7 --epochs 10  another normal class, longer
  memae train --config run.yaml             options from a JSON or YAML file
  memae score runs/latest/model --data mnist --data-path ./mnist
  memae eval runs/latest/model --out runs/eval1 && memae report runs/eval1
  memae serve runs/latest/model --port 8080
  memae info
${EXIT_CODES_HELP}`,
    );

  addDataOptions(commonOptions(program.command('train')))
    .description('Train a detector on the normal class, evaluate it on the test set and write a run directory with a report.')
    .option('-c, --config <file>', 'JSON or YAML config file (command-line options win)')
    .addOption(new Option('--variant <v>', 'model variant (mama: MAMA Net, image data only)').choices(VARIANTS))
    .option('--epochs <n>', 'training epochs (default 3)', intArg('--epochs', 1))
    .option('--batch-size <n>', 'batch size (default 64)', intArg('--batch-size', 1))
    .option('--lr <x>', 'learning rate', numArg('--lr'))
    .option('--memory-size <n>', 'memory slots N', intArg('--memory-size', 1))
    .option('--shrink <x>', 'hard-shrinkage threshold lambda', numArg('--shrink'))
    .option('--entropy-weight <x>', 'entropy loss weight alpha', numArg('--entropy-weight'))
    .addOption(new Option('--memory-query <q>', 'images: the whole code is one memory query (code, default) or every latent position is one (location, the official code)').choices(MEMORY_QUERIES))
    .option('--attention', 'MAMA Net attention blocks instead of (transposed) convolutions (default on for mama)')
    .option('--no-attention', 'plain (transposed) convolutions')
    .option('--hash-memory', 'MAMA Net hash (Hamming) addressing instead of softmax addressing (default on for mama)')
    .option('--no-hash-memory', 'softmax addressing')
    .option('--wasserstein-weight <x>', 'weight of the sliced Wasserstein loss (default 0.1 for mama, else 0)', numArg('--wasserstein-weight'))
    .option('--train-limit <n>', 'train on at most n normal samples', intArg('--train-limit', 1))
    .option('--seed <n>', 'random seed', intArg('--seed'))
    .option('-o, --out <dir>', 'run directory (default runs/<date>-<variant>-c<class>)')
    .addHelpText(
      'after',
      `
Examples:
  memae train                                      Fashion-MNIST, class 0 normal, 3 epochs (a few minutes)
  memae train --variant ae --epochs 5 -o runs/ae   the plain autoencoder baseline
  memae train --variant mama --no-hash-memory      MAMA Net with softmax addressing (ablation)
  memae train --train-limit 500 --test-limit 500 --epochs 1 --json   a quick scripted run
  memae train --data csv --data-path kdd.csv --label-column label

Config file (YAML; every key optional, unknown keys are errors):
  data:  { source: fashion-mnist, normalClass: 3, trainLimit: 6000, testLimit: 2000 }
  model: { variant: memae, memorySize: 50, shrinkThreshold: 0.03, entropyWeight: 0.0002, memoryQuery: code }
  # MAMA Net, one part off: model: { variant: mama, hashMemory: false, wassersteinWeight: 0.1 }
  train: { epochs: 5, batchSize: 64, learningRate: 0.001, seed: 1 }
  out: runs/fmnist-c3`,
    )
    .action(async (opts) => (await import('./commands/train.js')).train(opts));

  addDataOptions(commonOptions(program.command('score')))
    .description('Score samples with a saved model: per-sample anomaly scores and labels at the model threshold.')
    .argument('<model-dir>', 'a saved model directory')
    .option('-o, --out <file>', 'write the scores as JSON to this file')
    .addHelpText('after', `
Examples:
  memae score runs/latest/model                         score the Fashion-MNIST test set
  memae score runs/latest/model --data csv --data-path rows.csv -o scores.json`)
    .action(async (modelDir, opts) => (await import('./commands/score.js')).score(modelDir, opts));

  addDataOptions(commonOptions(program.command('eval')))
    .description('Evaluate a saved model on labelled data: AUROC, ROC/PR curves, sample images; writes a run directory.')
    .argument('<model-dir>', 'a saved model directory')
    .option('-o, --out <dir>', 'run directory to write (default: <model-dir>/../eval)')
    .addHelpText('after', `
Examples:
  memae eval runs/latest/model --normal-class 0 -o runs/eval-c0
  memae report runs/eval-c0`)
    .action(async (modelDir, opts) => (await import('./commands/eval.js')).evaluate(modelDir, opts));

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
    .option('-q, --quiet', 'no request log')
    .addHelpText('after', `
Examples:
  memae serve runs/latest/model
  memae serve fmnist=runs/latest/model --port 9000
  curl -s --data-binary @shoe.png -H 'content-type: image/png' localhost:8080/v1/models/fmnist/score`)
    .action(async (dirs, opts) => (await import('./commands/serve.js')).serve(dirs, opts));

  program
    .command('info')
    .description('Show versions, the tensor backend, the default dataset, and a saved model when given one.')
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
    if (e instanceof UserError) {
      process.stderr.write(`memae: ${e.message}\n`);
      return ExitCode.Usage;
    }
    process.stderr.write(`memae: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return ExitCode.Failure;
  }
}
