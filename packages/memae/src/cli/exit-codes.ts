/** Exit codes of the `memae` command (documented in docs/cli.md). */
export const ExitCode = {
  /** success */
  Ok: 0,
  /** a runtime failure (a bug, an engine error, an I/O failure not caused by the user) */
  Failure: 1,
  /** a usage or user error: unknown option, bad config, missing file, wrong data */
  Usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
