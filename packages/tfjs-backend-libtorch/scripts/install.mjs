// npm install hook. Never fails the install:
//  1. the prebuilt addon shipped in the tarball (prebuilds/, linux-x64, Debian's libtorch 1.13) when it loads here
//     and $LIBTORCH does not ask for another libtorch;
//  2. else a build from source against libtorch ($LIBTORCH or Debian's libtorch-dev), scripts/build-native.mjs;
//  3. else (no libtorch) one warning: memae then runs on tfjs' cpu backend.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pkgDir, prebuildFile } from './prebuild-path.mjs';

const prebuilt = prebuildFile();
if (!process.env.LIBTORCH && existsSync(prebuilt) && !existsSync(join(pkgDir, 'build', 'Release', 'torch_addon.node'))) {
  try {
    createRequire(import.meta.url)(prebuilt);
    process.exit(0);  // the prebuilt loads: nothing to build
  } catch (e) {
    console.warn(`tfjs-backend-libtorch: the prebuilt addon does not load here (${e.message.split('\n')[0]}); building from source`);
  }
}
const r = spawnSync(process.execPath, [join(pkgDir, 'scripts', 'build-native.mjs')], { stdio: 'inherit' });
process.exit(r.status ?? 0);
