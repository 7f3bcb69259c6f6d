// `npm pack` / `npm publish` (prepack): puts the addon, built from source against Debian's libtorch 1.13, into
// prebuilds/<platform>-<arch>/ so that the tarball installs without a compiler. Never committed (.gitignore).
// A pack on a machine that cannot build (no libtorch, another platform) ships no prebuilt: installs build from source.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pkgDir, prebuildFile } from './prebuild-path.mjs';

rmSync(join(pkgDir, 'prebuilds'), { recursive: true, force: true });
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.warn(`tfjs-backend-libtorch: no prebuilt for ${process.platform}-${process.arch} (only linux-x64 is prebuilt)`);
  process.exit(0);
}
if (process.env.LIBTORCH) {
  console.warn('tfjs-backend-libtorch: LIBTORCH is set; the prebuilt links Debian\'s libtorch only: packing without one');
  process.exit(0);
}
const r = spawnSync(process.execPath, [join(pkgDir, 'scripts', 'build-native.mjs')], { stdio: 'inherit' });
const built = join(pkgDir, 'build', 'Release', 'torch_addon.node');
if (r.status !== 0 || !existsSync(built)) {
  console.warn('tfjs-backend-libtorch: the addon did not build: packing without a prebuilt');
  process.exit(0);
}
mkdirSync(dirname(prebuildFile()), { recursive: true });
copyFileSync(built, prebuildFile());
