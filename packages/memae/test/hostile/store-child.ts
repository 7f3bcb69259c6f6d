// Child of the data-files suite: holds a disk-backed image store, prints its path, waits for a signal.
import { ByteStore } from '../../src/data/byte-store.js';

const s = new ByteStore(4, 16, 'disk');
s.write(0, new Uint8Array(16));
process.stdout.write(`${(s as unknown as { file: string }).file}\n`);
setInterval(() => undefined, 1000);
