/**
 * Offsets → 1-based line numbers. Built once per file (a table of line starts) and queried by
 * binary search, so mapping every value of a large template stays cheap.
 */
export class LineIndex {
  private readonly starts: number[];

  constructor(text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  /** 1-based line of a 0-based character offset. */
  lineAt(offset: number): number {
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }

  /** 1-based column of a 0-based character offset. */
  columnAt(offset: number): number {
    return offset - this.starts[this.lineAt(offset) - 1] + 1;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
