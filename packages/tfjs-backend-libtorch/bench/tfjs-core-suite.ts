// Runs tfjs-core's own test suite (the specs shipped in @tensorflow/tfjs-core/dist) against the
// `libtorch` backend with jasmine, the way tfjs-node's run_tests.ts runs it against `tensorflow`.
//   npx tsx packages/tfjs-backend-libtorch/bench/tfjs-core-suite.ts [--ops] [--grep REGEX] [--out FILE]
// --ops runs only dist/ops/**/*_test.js (the kernel tests); default is dist/tests.js (everything).
// The dist files are ES modules with extensionless imports (meant for a bundler), so esbuild
// bundles them with this backend into one CommonJS file. mainFields 'module' first makes
// '@tensorflow/tfjs-core' (imported by the backend and by tfjs-backend-cpu) resolve to the same
// ESM dist the specs import, so there is exactly one copy of tfjs-core in the bundle.
import { build } from 'esbuild';
import Jasmine from 'jasmine';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..');
const require = createRequire(import.meta.url);
const coreDist = dirname(require.resolve('@tensorflow/tfjs-core/package.json')) + '/dist';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const onlyOps = args.includes('--ops');
const trace = args.includes('--trace'); // print each spec name as it starts (to find a crash)
const grep = new RegExp(opt('--grep') ?? '');
const outFile = opt('--out') ?? join(pkg, 'bench', 'results', onlyOps ? 'tfjs-core-suite-ops.txt' : 'tfjs-core-suite.txt');

/** Specs that test tfjs-core's packaging, not a backend (tfjs-node's run_tests skips it too). */
const IGNORE = ['version version'];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('_test.js') ? [p] : [];
  });
}

const specs = onlyOps ? walk(join(coreDist, 'ops')).sort() : [join(coreDist, 'tests.js')];
const entry = [join(here, 'tfjs-core-suite-env.ts'), ...specs].map((f) => `import ${JSON.stringify(f)};`).join('\n');
const bundle = join(pkg, '.cache', 'tfjs-core-suite.cjs');
mkdirSync(dirname(bundle), { recursive: true });
await build({
  stdin: { contents: entry, resolveDir: here, loader: 'ts' },
  bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error',
  mainFields: ['module', 'main'],
  ignoreAnnotations: true, // tfjs-core's package.json "sideEffects" would drop the spec files
  external: ['jasmine-core', 'jasmine-core/*', 'node-fetch'],
  // src/native.ts locates the addon relative to its own file
  define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(pkg, 'src', 'native.ts')).href) },
});

const runner = new Jasmine({});
runner.exitOnCompletion = false;
const env = runner.env;
runner.clearReporters(); // only the summary below, not jasmine's per-failure stack traces
env.configure({
  random: false,
  specFilter: (spec) => grep.test(spec.getFullName()) && !IGNORE.some((s) => spec.getFullName().includes(s)),
});
const failed: string[] = []; // full name, then the first failure message
const counts = { passed: 0, failed: 0, pending: 0, excluded: 0 };
const t0 = performance.now();
env.addReporter({
  specStarted: (r) => { if (trace) process.stderr.write(`${r.fullName}\n`); },
  specDone: (r) => {
    if (r.status === 'passed') counts.passed++;
    else if (r.status === 'failed') {
      counts.failed++;
      failed.push(`${r.fullName}\n    ${(r.failedExpectations[0]?.message ?? '').split('\n')[0].slice(0, 300)}`);
    } else if (r.status === 'pending') counts.pending++;
    else if (r.status === 'excluded') counts.excluded++;
  },
});
process.on('unhandledRejection', (e) => { throw e; });
require(bundle);
await runner.execute();
const secs = ((performance.now() - t0) / 1000).toFixed(0);
const summary = `tfjs-core ${onlyOps ? 'ops' : 'full'} suite on libtorch: ${counts.passed} passed, ${counts.failed} failed, ${counts.pending} pending, ${counts.excluded} excluded (${secs} s)`;
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${summary}\n\nFailed specs:\n${failed.join('\n')}\n`);
writeFileSync(outFile.replace(/\.txt$/, '') + '.json', `${JSON.stringify({ suite: onlyOps ? 'ops' : 'full', ...counts, seconds: Number(secs), failed }, null, 1)}\n`);
console.log(`${summary}\nfailing spec names written to ${relative(process.cwd(), outFile)}`);
