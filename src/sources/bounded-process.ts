import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Runs an external compiler (the Bicep CLI, or `az` → python → bicep) as a child process whose
 * time and output are bounded, whatever the program does:
 * - it runs in its own process group (POSIX), so the timeout ends the whole tree, not only the
 *   direct child: a compiler that hangs in a grandchild is stopped too;
 * - the result never waits for the pipes to close: a grandchild that outlives the compiler and
 *   keeps stdout open (a telemetry uploader, a daemon) cannot hold the scan. Once the compiler has
 *   exited, what is left of its group is ended, and output still in the pipe is drained briefly;
 * - stdout is read up to a cap, stderr up to a smaller one: a compiler printing gigabytes is ended
 *   at the cap instead of filling memory.
 */

export interface BoundedRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Most bytes of stdout read; beyond it the process tree is ended and `overflow` is set. */
  maxStdoutBytes: number;
  /** Most bytes of stderr kept (the rest is read and dropped: diagnostics come first). */
  maxStderrBytes?: number;
}

export interface BoundedRunResult {
  /** Exit code; `null` when it was ended by a signal, timed out, overflowed or could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** stdout passed `maxStdoutBytes`. */
  overflow: boolean;
  spawnError?: Error;
}

/** After the compiler exited: how long output still in the pipes may take to arrive. */
const DRAIN_MS = 1000;
const DEFAULT_MAX_STDERR = 256 * 1024;

/** Ends the process and everything in its process group (POSIX), or its tree (Windows). */
function endTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    const killer = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], {
      stdio: 'ignore',
      windowsHide: true,
    });
    killer.on('error', () => child.kill('SIGKILL'));
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/**
 * Compilers running now. Their groups are not the terminal's foreground group, so Ctrl-C (or the
 * runner cancelling the job) would not reach them: when this process is interrupted or exits,
 * their trees are ended first, then the signal takes its usual course.
 */
const running = new Set<ChildProcess>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function endAll(): void {
  for (const child of running) endTree(child);
  running.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  endAll();
  unlisten();
  process.kill(process.pid, signal);
}

function listen(): void {
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('exit', endAll);
}

function unlisten(): void {
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  process.removeListener('exit', endAll);
}

function track(child: ChildProcess): void {
  if (running.size === 0) listen();
  running.add(child);
}

function untrack(child: ChildProcess): void {
  if (running.delete(child) && running.size === 0) unlisten();
}

/** Collects a stream's bytes up to a cap, counting everything it saw. */
class Capped {
  private readonly chunks: Buffer[] = [];
  kept = 0;
  seen = 0;
  constructor(private readonly cap: number) {}
  push(chunk: Buffer): void {
    this.seen += chunk.length;
    if (this.kept >= this.cap) return;
    const part = this.kept + chunk.length > this.cap ? chunk.subarray(0, this.cap - this.kept) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export function runBounded(
  command: string,
  args: string[],
  options: BoundedRunOptions,
): Promise<BoundedRunResult> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
        // Its own process group, so that the group can be ended as a whole (POSIX only: on
        // Windows `detached` opens a console instead; taskkill /T ends the tree there).
        detached: process.platform !== 'win32',
      });
    } catch (error) {
      resolve({
        code: null,
        stdout: '',
        stderr: '',
        timedOut: false,
        overflow: false,
        spawnError: error as Error,
      });
      return;
    }
    track(child);
    const stdout = new Capped(options.maxStdoutBytes);
    const stderr = new Capped(options.maxStderrBytes ?? DEFAULT_MAX_STDERR);
    let timedOut = false;
    let overflow = false;
    let exitCode: number | null = null;
    let settled = false;
    let drainTimer: NodeJS.Timeout | undefined;

    const finish = (spawnError?: Error): void => {
      if (settled) return;
      settled = true;
      untrack(child);
      clearTimeout(timer);
      if (drainTimer) clearTimeout(drainTimer);
      // Our ends of the pipes: closing them frees us from whatever still holds the other end.
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({
        code: timedOut || overflow ? null : exitCode,
        stdout: stdout.text(),
        stderr: stderr.text(),
        timedOut,
        overflow,
        spawnError,
      });
    };

    const timer = setTimeout(() => {
      timedOut = true;
      endTree(child);
      finish();
    }, options.timeoutMs);

    child.stdout?.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      if (stdout.seen > options.maxStdoutBytes && !overflow) {
        overflow = true;
        endTree(child);
        finish();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => finish(error));
    child.on('close', () => finish());
    child.on('exit', (code) => {
      exitCode = code;
      // Whatever is left of its group is an orphan of a finished compiler: end it, so its copy of
      // the pipes closes. Then give the output still in the pipes a moment to arrive; the check
      // runs after an I/O phase (setImmediate), so a busy event loop cannot cut it short.
      endTree(child);
      let seen = stdout.seen + stderr.seen;
      const wait = (): void => {
        drainTimer = setTimeout(() => {
          setImmediate(() => {
            const now = stdout.seen + stderr.seen;
            if (now !== seen) {
              seen = now;
              wait();
            } else finish();
          });
        }, DRAIN_MS);
      };
      wait();
    });
  });
}
