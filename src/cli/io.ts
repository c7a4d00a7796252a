/** What a CLI command may touch: passed in so that tests run commands in-process without globals. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stdout is a terminal: colour (unless NO_COLOR) and lines fitted to `columns`. */
  isTty?: boolean;
  /** Columns of the stdout terminal (when it is one). */
  columns?: number;
  /** Whether stderr is a terminal: only then is a progress line drawn there. */
  stderrIsTty?: boolean;
}

/**
 * Colour for terminal output, as the NO_COLOR / FORCE_COLOR conventions say: FORCE_COLOR set to
 * anything but `0` / `false` turns it on even in a pipe, FORCE_COLOR=0 and a non-empty NO_COLOR
 * turn it off, and otherwise only a TTY gets colour (not a `dumb` one).
 */
export function useColor(io: CliIo): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force.toLowerCase() === 'false') return false;
    return true;
  }
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.TERM === 'dumb') return false;
  return io.isTty === true;
}

/** The width to fit the table to: the terminal's columns on a TTY (COLUMNS overrides), none in a pipe. */
export function terminalWidth(io: CliIo): number | undefined {
  if (io.isTty !== true) return undefined;
  const fromEnv = Number(io.env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return io.columns && io.columns > 0 ? io.columns : 80;
}
