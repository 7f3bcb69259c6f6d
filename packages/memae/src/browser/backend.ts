// The first tfjs backend of a preference list that starts here. The browser entry registers only `cpu`; import
// '@tensorflow/tfjs-backend-webgl' or '@tensorflow/tfjs-backend-wasm' (and call its setWasmPaths) to offer them.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export async function selectBrowserBackend(order: string[] = ['webgl', 'wasm', 'cpu']): Promise<string> {
  for (const name of order) {
    if (tf.findBackendFactory(name) === null) continue;
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // the next one
    }
  }
  throw new Error(`none of the tfjs backends ${order.join(', ')} could start (registered: ${Object.keys(tf.engine().registryFactory).join(', ')})`);
}
