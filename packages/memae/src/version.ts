// memae's version, read from its package.json (the one version source; written into every saved model).
// From src/version.ts (repository, tsx) and dist/version.js (npm package) alike, package.json is one folder up.
import { createRequire } from 'node:module';

export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
