import { logLine } from '../report/escape.js';
import type { LoadProgress } from '../sources/templates.js';

/** Redraws at most this often: a scan of 1,500 templates must not spend its time on the terminal. */
const REDRAW_MS = 100;

/**
 * A one-line progress display on stderr (`evaluating 120/1473 templates: infra/x.json`), drawn
 * only when stderr is a terminal, so pipes, files and CI logs never see it. Messages printed while
 * it is shown clear it first and redraw it after, so the two never share a line.
 */
export class ProgressLine {
  private shown = '';
  private last = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
    private readonly columns = 80,
    private readonly now: () => number = Date.now,
  ) {}

  /** Shows `text` in place of the previous progress (at most every 100 ms unless `force`). */
  update(text: string, force = false): void {
    if (!this.enabled) return;
    const time = this.now();
    if (!force && this.shown && time - this.last < REDRAW_MS) return;
    this.last = time;
    const chars = [...logLine(text)];
    const room = Math.max(10, this.columns - 1);
    const line = chars.length > room ? `${chars.slice(0, room - 1).join('')}…` : chars.join('');
    this.write(`\r${line}\u001b[K`);
    this.shown = line;
  }

  /** Prints a message line above the progress line. */
  print(text: string): void {
    if (!this.shown) {
      this.write(text);
      return;
    }
    this.write(`\r\u001b[K${text}`);
    this.write(`\r${this.shown}\u001b[K`);
  }

  /** Removes the progress line. */
  clear(): void {
    if (!this.shown) return;
    this.write('\r\u001b[K');
    this.shown = '';
  }

  /** A progress handler for loading templates. */
  forLoading(): (progress: LoadProgress) => void {
    return (progress) => {
      const what =
        progress.phase === 'compile'
          ? `compiling Bicep ${progress.done}/${progress.total}`
          : `evaluating ${progress.done}/${progress.total} templates`;
      this.update(progress.file ? `${what}: ${progress.file}` : what, progress.done === 0);
    };
  }
}
