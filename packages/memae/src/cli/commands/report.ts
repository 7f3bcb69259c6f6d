import { statSync } from 'node:fs';
import { writeReport } from '../../report/build-report.js';
import { Output } from '../output.js';

export async function report(runDir: string, opts: { out?: string; quiet?: boolean; json?: boolean }): Promise<void> {
  const out = new Output(opts);
  const file = writeReport(runDir, opts.out);
  const bytes = statSync(file).size;
  out.result(`report: ${file} (${(bytes / 1024).toFixed(0)} KiB, self-contained, opens offline)`);
  out.emitJson({ report: file, bytes });
}
