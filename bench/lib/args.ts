// Reading a benchmark's command line: node:util parseArgs, plus `--help` (prints the script's opening comment, which
// holds its usage) and a one-line error for an unknown or malformed option instead of parseArgs' stack trace.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The script's leading `//` comment lines, without the slashes. */
function usageOf(file: string): string {
  const lines: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('//')) break;
    lines.push(line.replace(/^\/\/ ?/, ''));
  }
  return lines.join('\n');
}

/** parseArgs(config) for the script at `scriptUrl` (its import.meta.url). `--help` is handled here unless the script
 *  declares its own `help` option. */
export function benchArgs<T extends ParseArgsConfig>(scriptUrl: string, config: T): ReturnType<typeof parseArgs<T>> {
  const file = fileURLToPath(scriptUrl);
  const name = relative(process.cwd(), file);
  const own = config.options !== undefined && 'help' in config.options;
  if (!own && process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(`${usageOf(file)}\n`);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (e) {
    process.stderr.write(`${name}: ${(e as Error).message.split('\n')[0]} (--help prints the usage)\n`);
    process.exit(2);
  }
}
