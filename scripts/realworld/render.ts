/** Plain-text rendering of the real-world figures: one row per set, the totals, the mismatches by cause. */
import { causeLabel, type Mismatch } from './causes.js';
import { ROOT_CAUSES } from './manifest.js';
import { addFigures, emptyFigures, type Figures, type SetResult } from './measure.js';

const COLUMNS: [string, (f: Figures) => string][] = [
  ['workspaces', (f) => `${f.workspacesFound}/${f.workspacesPresent}`],
  ['verdicts', (f) => `${f.verdictsRight}/${f.verdictsChecked}`],
  ['false pass', (f) => String(f.falsePass)],
  ['file errors', (f) => String(f.fileErrors)],
  ['decided unknowns', (f) => String(f.unknownsDecided)],
  ['deps linked', (f) => `${f.dependenciesLinked}/${f.dependenciesPresent}`],
];

export function totals(results: SetResult[]): Figures {
  return results
    .filter((r) => r.state === 'measured')
    .reduce((sum, r) => addFigures(sum, r.figures), emptyFigures());
}

export function renderTable(results: SetResult[]): string {
  const header = ['set', ...COLUMNS.map(([name]) => name)];
  const rows = results.map((r) =>
    r.state === 'measured'
      ? [r.id, ...COLUMNS.map(([, cell]) => cell(r.figures))]
      : [r.id, `(${r.state})`, '', '', '', '', ''],
  );
  const measured = results.filter((r) => r.state === 'measured').length;
  rows.push([
    `total (${measured} of ${results.length} sets measured)`,
    ...COLUMNS.map(([, cell]) => cell(totals(results))),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Mismatches grouped by root cause (numbered causes first), with counts. */
export function renderMismatches(results: SetResult[]): string {
  const all = results.flatMap((r) => r.mismatches);
  if (all.length === 0) return 'no mismatches';
  const groups = new Map<string, Mismatch[]>();
  for (const mismatch of all) {
    const key = causeLabel(mismatch.cause);
    const list = groups.get(key);
    if (list) list.push(mismatch);
    else groups.set(key, [mismatch]);
  }
  const keys = [...groups.keys()].sort((a, b) => {
    const na = Number(a);
    const nb = Number(b);
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
    if (!Number.isNaN(na)) return -1;
    if (!Number.isNaN(nb)) return 1;
    return a.localeCompare(b);
  });
  const out: string[] = [];
  for (const key of keys) {
    const list = groups.get(key)!;
    const title = ROOT_CAUSES[Number(key)] ? `${key}. ${ROOT_CAUSES[Number(key)]}` : key;
    out.push(`\n[${title}] ${list.length} mismatch${list.length === 1 ? '' : 'es'}`);
    for (const m of list)
      out.push(`  ${m.set}: ${m.subject}\n      expected ${m.expected}\n      actual   ${m.actual}`);
  }
  return out.join('\n');
}

/** Counts by cause, e.g. `3: 12, 1: 4, other: …: 2`. */
export function causeCounts(results: SetResult[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of results.flatMap((r) => r.mismatches)) {
    const key = causeLabel(m.cause);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
