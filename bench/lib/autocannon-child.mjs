// The load generator of bench/serve-load.ts, in its own process: autocannon with a binary-safe body
// (its CLI's -i reads the body file as text, which breaks PNGs). Prints autocannon's result as JSON.
//   node bench/lib/autocannon-child.mjs URL CLIENTS SECONDS CONTENT_TYPE BODY_FILE
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, clients, seconds, type, file] = process.argv.slice(2);
const r = await autocannon({ url, method: 'POST', headers: { 'content-type': type }, body: readFileSync(file), connections: Number(clients), duration: Number(seconds) });
process.stdout.write(JSON.stringify(r));
