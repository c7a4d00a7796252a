import path from 'node:path';
import type { FileError } from '../model.js';
import { displayPath } from './discover.js';

/** One line of the Bicep compiler's output: `file(line,col) : Error BCP000: message [link]`. */
export interface BicepDiagnostic {
  /** The file as the compiler printed it (absolute), when it printed one. */
  file?: string;
  line?: number;
  level: 'Error' | 'Warning' | 'Info';
  /** `BCP104`, or a linter rule id such as `no-unused-params`. */
  code: string;
  message: string;
}

const DIAGNOSTIC_RE = /^(.*?)\((\d+),(\d+)\)\s*:\s*(Error|Warning|Info)\s+([A-Za-z0-9_-]+)\s*:\s*(.*)$/;

/**
 * The compiler's diagnostics, in order. A message the compiler wrapped onto further lines (a
 * credential chain's reasons, say) is joined onto its diagnostic.
 */
export function parseBicepDiagnostics(output: string): BicepDiagnostic[] {
  const diagnostics: BicepDiagnostic[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const text = raw.trimEnd();
    if (text.trim() === '') continue;
    const match = DIAGNOSTIC_RE.exec(text);
    if (match) {
      diagnostics.push({
        file: match[1].trim() || undefined,
        line: Number(match[2]),
        level: match[4] as BicepDiagnostic['level'],
        code: match[5],
        message: match[6].trim(),
      });
    } else if (diagnostics.length > 0) {
      const last = diagnostics[diagnostics.length - 1];
      last.message = `${last.message} ${text.trim()}`;
    }
  }
  return diagnostics;
}

/**
 * The first compiler error, for callers that want only one: its line and `CODE: message`
 * (errors in the file itself first, then any).
 */
export function parseBicepDiagnostic(output: string): { line?: number; message: string } {
  const error = parseBicepDiagnostics(output).find((d) => d.level === 'Error');
  if (error) return { line: error.line, message: `${error.code}: ${error.message}` };
  return { message: withoutStackTrace(output) || 'the Bicep compiler failed without a message' };
}

/** The first lines of an output that has no diagnostics, leaving out .NET stack frames. */
function withoutStackTrace(output: string): string {
  return output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^at\s/.test(line) && !/^-+\s*End of/.test(line))
    .slice(0, 2)
    .join(' ')
    .slice(0, 400);
}

/** What the compiler's message cannot know about how the scan runs it, by diagnostic code. */
const HINTS: Record<string, string> = {
  // readEnvironmentVariable() without the variable (and no default).
  BCP427:
    "the scan runs the Bicep CLI without the job's environment variables, so that a pull request cannot read the runner's tokens into a finding: write the value in the .bicepparam, or give readEnvironmentVariable() a default",
};

/** Artifact restore failures: not restored (`--no-restore` / offline), or the restore failed. */
const RESTORE_CODES = new Set(['BCP190', 'BCP191', 'BCP192']);
/** "The referenced module has errors": the module's own errors say what is wrong. */
const MODULE_HAS_ERRORS = 'BCP104';

/** `br:host/repo:tag`, `br/alias:…`, `ts:sub/rg/name:version`: what the compiler says it could not restore. */
function restoreMessage(diagnostic: BicepDiagnostic): string {
  const reference = /reference "([^"]+)"/.exec(diagnostic.message)?.[1] ?? 'a registry module';
  const detail = diagnostic.message.replace(/\s*\[https?:\/\/[^\]]*\]\s*$/, '');
  // "Retry failed after 4 tries. … (Name or service not known (host:443)) (…)": the cause, once.
  const network = /\(([^()]+?) \(([^()]+?:\d+)\)\)/.exec(detail);
  const cause = network
    ? `${network[1]} (${network[2]})`
    : (detail
        .split(/":\s*/)
        .slice(1)
        .join('": ')
        .split(/(?<=\.)\s/)[0]
        ?.trim() ?? '');
  const templateSpec = reference.startsWith('ts:');
  const fix = templateSpec
    ? 'the Bicep CLI reads template specs from Azure when it compiles, signed in: allow it the Azure sign-in of the job with bicep-registry-sign-in: true (CLI: --bicep-registry-sign-in, after az login) where the templates are trusted, or scan the compiled ARM JSON (bicep build) instead'
    : 'the Bicep CLI downloads registry modules when it compiles: run the scan where the registry is reachable, restore the modules beforehand (bicep restore), or scan the compiled ARM JSON (bicep build) instead; for a private registry, allow the compiler the Azure sign-in of the job with bicep-registry-sign-in: true (CLI: --bicep-registry-sign-in) where the templates are trusted';
  return `module ${reference} cannot be restored${cause ? ` (${cause})` : ''}, so this file was not scanned: ${fix}`;
}

/**
 * The file errors of a failed compile of `root`, from the compiler's own diagnostics:
 * - each registry or template-spec module that could not be restored, on its line, with what to do;
 * - otherwise the first error, in the file it is in (a module's error is shown in the module, not
 *   as "the referenced module has errors" in the file that uses it), with a count of the others;
 * - no diagnostic at all (a crash): the first lines of the output, without a stack trace.
 */
export function bicepCompileErrors(
  output: string,
  root: { path: string; absolutePath: string },
  cwd: string,
  describe: string,
  exitCode: number | null,
): FileError[] {
  const diagnostics = parseBicepDiagnostics(output);
  const errors = diagnostics.filter((d) => d.level === 'Error');
  const shown = (d: BicepDiagnostic): string =>
    d.file ? displayPath(path.resolve(path.dirname(root.absolutePath), d.file), cwd) : root.path;

  const restore = errors.filter((d) => RESTORE_CODES.has(d.code));
  if (restore.length > 0) {
    return restore.map((d) => ({ file: shown(d), line: d.line, message: restoreMessage(d) }));
  }
  if (errors.length === 0) {
    const text = withoutStackTrace(output);
    return [
      {
        file: root.path,
        message: text
          ? `${describe} failed: ${text}`
          : `${describe} failed with exit code ${exitCode ?? 'unknown'} and no message`,
      },
    ];
  }
  const first = errors.find((d) => d.code !== MODULE_HAS_ERRORS) ?? errors[0];
  const file = shown(first);
  // "The referenced module has errors" in the files that use the module is the same error again.
  const others = errors.filter(
    (d) => d !== first && (d.code !== MODULE_HAS_ERRORS || first.code === MODULE_HAS_ERRORS),
  ).length;
  const where = file !== root.path ? ` (used by ${root.path})` : '';
  const more = others > 0 ? ` (and ${others} more error${others === 1 ? '' : 's'})` : '';
  const hint = HINTS[first.code] ? ` (${HINTS[first.code]})` : '';
  // The compiler's link to the diagnostic's documentation stays at the end.
  const link = /\s*(\[https?:\/\/[^\]\s]*\])$/.exec(first.message);
  const text = link ? first.message.slice(0, link.index) : first.message;
  return [
    {
      file,
      line: first.line,
      message: `Bicep compile error ${first.code}: ${text}${hint}${where}${more}${link ? ` ${link[1]}` : ''}`,
    },
  ];
}
