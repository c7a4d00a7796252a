/** What a CLI command may touch: passed in so that tests run commands in-process without globals. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stdout is a terminal (colours on unless NO_COLOR). */
  isTty?: boolean;
}

/** Colour for terminal output: FORCE_COLOR wins, NO_COLOR disables, else only on a TTY. */
export function useColor(io: CliIo): boolean {
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.isTty === true;
}
