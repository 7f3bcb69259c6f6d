// Where `npm pack` puts the prebuilt addon and the install script looks for it (node-gyp-build's layout and tags:
// N-API, so one file serves every node >= 20; glibc; linked against Debian's libtorch 1.13).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const prebuildFile = (platform = process.platform, arch = process.arch) =>
  join(pkgDir, 'prebuilds', `${platform}-${arch}`, 'tfjs-backend-libtorch.napi.glibc.node');
