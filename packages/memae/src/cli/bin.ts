#!/usr/bin/env node
// The `memae` executable of the npm package (package.json "bin"; the repository runs it through bin/memae.mjs).
import { main } from './main.js';

// `memae --help | head -1`: the reader went away; stop quietly like other command-line tools.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
process.exitCode = await main(process.argv);
