// Locates libtorch headers and libraries: $LIBTORCH (a libtorch distribution or a Python torch
// install directory) first, then Debian's libtorch-dev layout.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function findLibtorch() {
  const root = process.env.LIBTORCH;
  if (root) {
    const include = [join(root, 'include'), join(root, 'include', 'torch', 'csrc', 'api', 'include')];
    if (existsSync(join(root, 'include', 'ATen', 'ATen.h')) && existsSync(join(root, 'lib'))) {
      return { include, lib: join(root, 'lib') };
    }
    return null;
  }
  const debLib = '/usr/lib/x86_64-linux-gnu';
  const aLib = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu'].find((d) => existsSync(join(d, 'libtorch_cpu.so')));
  if (existsSync('/usr/include/ATen/ATen.h') && aLib) {
    return { include: ['/usr/include', '/usr/include/torch/csrc/api/include'], lib: aLib ?? debLib };
  }
  return null;
}
