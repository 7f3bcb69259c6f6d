// Bundled first by tfjs-core-suite.ts: registers the libtorch backend and makes it the only
// environment tfjs-core's describeWithFlags runs its specs on (as tfjs-node's run_tests does).
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { setTestEnvs } from '@tensorflow/tfjs-core/dist/jasmine_util.js';
import { registerLibtorchBackend } from '../src/index.js';

process.env.LIBTORCH_FALLBACK_WARN ??= '0';
registerLibtorchBackend();
setTestEnvs([{ name: 'libtorch', backendName: 'libtorch', flags: {}, isDataSync: true }]);
