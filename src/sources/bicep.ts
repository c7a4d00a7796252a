import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigurationError } from '../errors.js';
import { FileAccess } from '../file-access.js';
import { parseJsonDocument } from './arm/jsonc.js';
import type { SourceMap } from './arm/expand.js';
import { readParametersDocument, type SuppliedParameter } from './arm/parameters.js';
import type { FileError, Logger } from '../model.js';
import { checkBicepReferences } from './bicep-references.js';
import { displayPath, type DiscoveredFile } from './discover.js';

export interface BicepOptions {
  /** The Bicep CLI to run (`bicep`, a path, or `az` to go through the Azure CLI); found on PATH when unset. */
  command?: string;
  /** Per-file compile timeout in milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Compiles running at once (default: CPU count, at most 4). */
  concurrency?: number;
}

export interface BicepCompileOptions extends BicepOptions {
  cwd: string;
  logger: Logger;
  /** An explicit `.bicepparam` (or parameters JSON) file for a single scanned Bicep file. */
  explicitParameters?: string;
  /** Environment to search PATH in (tests); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** What may be read (the repository); default: regular files under `cwd`. */
  access?: FileAccess;
}

/** One `.bicep` file compiled to an ARM template, ready to expand. */
export interface CompiledBicep {
  file: DiscoveredFile;
  templateJson: string;
  sourceMap: SourceMap;
  /** Values of the `.bicepparam` file that uses it, when there is one. */
  parameters?: Map<string, SuppliedParameter>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

interface Cli {
  command: string;
  /** Arguments for `build` / `build-params` of one file. */
  build(file: string): string[];
  buildParams(file: string): string[];
  describe: string;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of dirs) {
    for (const candidate of names) {
      const full = path.join(dir, candidate);
      try {
        accessSync(full, constants.X_OK);
        return full;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The Bicep CLI to use: an explicit command, `bicep` on PATH, else `az bicep`. */
export function findBicepCli(options: { command?: string; env?: NodeJS.ProcessEnv }): Cli | undefined {
  const env = options.env ?? process.env;
  const bicep = (command: string): Cli => ({
    command,
    build: (file) => ['build', '--stdout', file],
    buildParams: (file) => ['build-params', '--stdout', file],
    describe: command,
  });
  const az = (command: string): Cli => ({
    command,
    build: (file) => ['bicep', 'build', '--stdout', '--file', file],
    buildParams: (file) => ['bicep', 'build-params', '--stdout', '--file', file],
    describe: 'az bicep',
  });
  if (options.command) {
    const base = path
      .basename(options.command)
      .toLowerCase()
      .replace(/\.(exe|cmd)$/, '');
    const resolved =
      options.command.includes('/') || options.command.includes('\\')
        ? options.command
        : onPath(options.command, env);
    if (!resolved) return undefined;
    return base === 'az' ? az(resolved) : bicep(resolved);
  }
  const direct = onPath('bicep', env);
  if (direct) return bicep(direct);
  const azCli = onPath('az', env);
  return azCli ? az(azCli) : undefined;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  spawnError?: Error;
}

function run(
  cli: Cli,
  args: string[],
  cwd: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cli.command, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const finish = (code: number | null, spawnError?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
        spawnError,
      });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}

/** The first compiler diagnostic of level Error: `file(line,col) : Error BCP000: message`. */
export function parseBicepDiagnostic(stderr: string): { line?: number; message: string } {
  const lines = stderr.split(/\r?\n/).filter((l) => l.trim() !== '');
  for (const text of lines) {
    const match = /\((\d+),(\d+)\)\s*:\s*Error\s+([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(text);
    if (match) return { line: Number(match[1]), message: `${match[3]}: ${match[4].trim()}` };
  }
  return { message: lines.slice(0, 3).join(' ').trim() || 'the Bicep compiler failed without a message' };
}

async function mapConcurrent<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

// ---- source map -------------------------------------------------------------------------------

interface BicepDeclaration {
  symbol: string;
  /** Full or (for nested children) short type, without the api version. */
  type: string;
  line: number;
  /** Source text of the declaration's block, to match compiled names. */
  block: string;
}

interface BicepSource {
  resources: BicepDeclaration[];
  params: Map<string, number>;
  modules: { symbol: string; path: string; line: number; block: string }[];
  using?: string;
}

const RESOURCE_RE = /^\s*resource\s+([A-Za-z_]\w*)\s+'([^'@]+)@[^']*'/;
const MODULE_RE = /^\s*module\s+([A-Za-z_]\w*)\s+'([^']+)'/;
const PARAM_RE = /^\s*param\s+([A-Za-z_]\w*)\b/;
const USING_RE = /^\s*using\s+'([^']+)'/;

/** Reads the declarations of a Bicep or bicepparam source: resources, modules, params, `using`. */
export function scanBicepSource(text: string): BicepSource {
  const lines = text.split(/\r?\n/);
  const source: BicepSource = { resources: [], params: new Map(), modules: [] };
  const blockOf = (start: number): string => {
    let depth = 0;
    const out: string[] = [];
    for (let i = start; i < lines.length && i < start + 400; i++) {
      out.push(lines[i]);
      for (const ch of lines[i]) {
        if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') depth--;
      }
      if (depth <= 0 && i > start) break;
    }
    return out.join('\n');
  };
  lines.forEach((text, i) => {
    let match = RESOURCE_RE.exec(text);
    if (match) {
      source.resources.push({ symbol: match[1], type: match[2], line: i + 1, block: blockOf(i) });
      return;
    }
    match = MODULE_RE.exec(text);
    if (match) {
      source.modules.push({ symbol: match[1], path: match[2], line: i + 1, block: blockOf(i) });
      return;
    }
    match = PARAM_RE.exec(text);
    if (match && !source.params.has(match[1].toLowerCase())) {
      source.params.set(match[1].toLowerCase(), i + 1);
      return;
    }
    match = USING_RE.exec(text);
    if (match) source.using = match[1];
  });
  return source;
}

function typeMatches(declared: string, compiled: string): boolean {
  const d = declared.toLowerCase();
  const c = compiled.toLowerCase();
  return d === c || c.endsWith(`/${d}`);
}

/** Maps compiled resources, parameters and modules back to lines of the `.bicep` file. */
export function createBicepSourceMap(
  absolutePath: string,
  cwd: string,
  readText: (absolutePath: string) => string | undefined,
  seen: Set<string> = new Set(),
): SourceMap {
  const file = displayPath(absolutePath, cwd);
  const text = readText(absolutePath) ?? '';
  const source = scanBicepSource(text);
  const moduleMaps = new Map<string, SourceMap | undefined>();
  seen.add(absolutePath);
  const moduleMap = (symbol: string, modulePath: string): SourceMap | undefined => {
    if (moduleMaps.has(symbol)) return moduleMaps.get(symbol);
    let map: SourceMap | undefined;
    if (!/^[a-z]+:/i.test(modulePath) || /^file:/i.test(modulePath)) {
      const target = path.resolve(path.dirname(absolutePath), modulePath);
      if (!seen.has(target) && target.toLowerCase().endsWith('.bicep')) {
        map = createBicepSourceMap(target, cwd, readText, new Set(seen));
      }
    }
    moduleMaps.set(symbol, map);
    return map;
  };
  const findModule = (symbolicName: string | undefined, name: string | undefined) =>
    (symbolicName ? source.modules.find((m) => m.symbol === symbolicName) : undefined) ??
    (name ? source.modules.find((m) => m.block.includes(`'${name}'`)) : undefined) ??
    (source.modules.length === 1 ? source.modules[0] : undefined);
  return {
    file,
    resourceLine(symbolicName, type, name) {
      if (symbolicName) {
        const bySymbol = source.resources.find((r) => r.symbol === symbolicName);
        if (bySymbol) return bySymbol.line;
      }
      const candidates = source.resources.filter((r) => typeMatches(r.type, type));
      if (candidates.length === 0) return undefined;
      const last = name?.split('/').pop();
      const byName = last ? candidates.find((r) => r.block.includes(`'${last}'`)) : undefined;
      return (byName ?? candidates[0]).line;
    },
    parameterLine(name) {
      return source.params.get(name.toLowerCase());
    },
    module(symbolicName, name) {
      const found = findModule(symbolicName, name);
      return found ? moduleMap(found.symbol, found.path) : undefined;
    },
    moduleLine(symbolicName, name) {
      return findModule(symbolicName, name)?.line;
    },
  };
}

/** A reader of Bicep sources through the access rules (a file that may not be read reads as nothing). */
function textReader(access: FileAccess): (absolutePath: string) => string | undefined {
  return (absolutePath) => {
    try {
      return access.readText(absolutePath);
    } catch (error) {
      if (error instanceof ConfigurationError) return undefined;
      throw error;
    }
  };
}

/** Local `.bicep` files used as modules by other scanned Bicep files (not compiled on their own). */
function moduleTargets(
  files: DiscoveredFile[],
  readTextOrUndefined: (absolutePath: string) => string | undefined,
): Set<string> {
  const targets = new Set<string>();
  for (const file of files) {
    const text = readTextOrUndefined(file.absolutePath);
    if (!text) continue;
    for (const module of scanBicepSource(text).modules) {
      if (/^[a-z]+:/i.test(module.path)) continue;
      targets.add(path.resolve(path.dirname(file.absolutePath), module.path));
    }
  }
  return targets;
}

/** The parameters JSON inside `bicep build-params --stdout` output (plain, or wrapped in `parametersJson`). */
function parametersText(stdout: string): string {
  try {
    const parsed = JSON.parse(stdout) as { parametersJson?: unknown };
    if (typeof parsed.parametersJson === 'string') return parsed.parametersJson;
  } catch {
    // let the JSONC parser report it
  }
  return stdout;
}

/**
 * Compiles `.bicep` files with the Bicep CLI (bounded parallelism, per-file timeout) and the
 * `.bicepparam` files that use them. Compile errors are reported per file with the compiler's
 * message and line; a missing CLI is one error for all the files.
 */
export async function compileBicepFiles(
  bicepFiles: DiscoveredFile[],
  bicepParamFiles: DiscoveredFile[],
  options: BicepCompileOptions,
): Promise<{ units: CompiledBicep[]; errors: FileError[] }> {
  const errors: FileError[] = [];
  const access = options.access ?? new FileAccess([options.cwd], { cwd: options.cwd });
  const readTextOrUndefined = textReader(access);
  const modules = moduleTargets(bicepFiles, readTextOrUndefined);
  // The compiler reads module, using, import and load*() paths itself: check them first.
  const refused = new Set<string>();
  const explicitParam = options.explicitParameters?.toLowerCase().endsWith('.bicepparam')
    ? [options.explicitParameters]
    : [];
  for (const file of [
    ...bicepFiles.filter((f) => !modules.has(f.absolutePath)).map((f) => f.absolutePath),
    ...bicepParamFiles.map((f) => f.absolutePath),
    ...explicitParam,
  ]) {
    const problems = checkBicepReferences(file, access, readTextOrUndefined);
    if (problems.length === 0) continue;
    errors.push(...problems);
    refused.add(file);
  }
  const roots = bicepFiles.filter((f) => !modules.has(f.absolutePath) && !refused.has(f.absolutePath));
  if (roots.length === 0) return { units: [], errors };
  const env = options.env ?? process.env;
  const cli = findBicepCli({ command: options.command, env });
  if (!cli) {
    const shown = roots.slice(0, 5).map((f) => f.path);
    errors.push({
      file: roots[0].path,
      message: `Bicep CLI not found${options.command ? ` (${options.command})` : ''}: ${roots.length} .bicep file(s) not scanned (${shown.join(', ')}${roots.length > shown.length ? ', …' : ''}). Install it (az bicep install, or the bicep binary on PATH) or scan the compiled ARM JSON.`,
    });
    return { units: [], errors };
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const concurrency = options.concurrency ?? Math.min(4, Math.max(1, os.cpus().length));

  // Which .bicepparam goes with which .bicep (`using './main.bicep'`).
  const paramsByTemplate = new Map<string, DiscoveredFile[]>();
  const explicit = options.explicitParameters;
  const paramCandidates = (
    explicit?.toLowerCase().endsWith('.bicepparam')
      ? [{ path: displayPath(explicit, options.cwd), absolutePath: explicit, kind: 'bicepparam' as const }]
      : bicepParamFiles
  ).filter((f) => !refused.has(f.absolutePath));
  for (const file of paramCandidates) {
    const using = scanBicepSource(readTextOrUndefined(file.absolutePath) ?? '').using;
    const target =
      explicit && file.absolutePath === explicit && roots.length === 1
        ? roots[0].absolutePath
        : using && !/^[a-z]+:/i.test(using)
          ? path.resolve(path.dirname(file.absolutePath), using)
          : undefined;
    if (!target) continue;
    paramsByTemplate.set(target, [...(paramsByTemplate.get(target) ?? []), file]);
  }

  const compileOne = async (file: DiscoveredFile): Promise<CompiledBicep | FileError> => {
    const result = await run(cli, cli.build(file.absolutePath), options.cwd, timeoutMs, env);
    if (result.spawnError) {
      return { file: file.path, message: `could not run ${cli.describe}: ${result.spawnError.message}` };
    }
    if (result.timedOut) {
      return {
        file: file.path,
        message: `${cli.describe} build did not finish within ${Math.round(timeoutMs / 1000)} s: stopped`,
      };
    }
    if (result.code !== 0) {
      const diagnostic = parseBicepDiagnostic(result.stderr || result.stdout);
      return { file: file.path, line: diagnostic.line, message: `Bicep compile error ${diagnostic.message}` };
    }
    const sourceMap = createBicepSourceMap(file.absolutePath, options.cwd, readTextOrUndefined);
    const unit: CompiledBicep = { file, templateJson: result.stdout, sourceMap };
    const paramFiles = paramsByTemplate.get(file.absolutePath) ?? [];
    if (paramFiles.length > 1) {
      options.logger.info(
        `${file.path}: ${paramFiles.length} .bicepparam files use it (${paramFiles.map((f) => f.path).join(', ')}); evaluated with its defaults. Pass --parameters to choose one.`,
      );
    } else if (paramFiles.length === 1) {
      const paramFile = paramFiles[0];
      const built = await run(cli, cli.buildParams(paramFile.absolutePath), options.cwd, timeoutMs, env);
      if (built.timedOut || built.code !== 0 || built.spawnError) {
        const diagnostic = built.timedOut
          ? { message: `did not finish within ${Math.round(timeoutMs / 1000)} s: stopped` }
          : built.spawnError
            ? { message: built.spawnError.message }
            : parseBicepDiagnostic(built.stderr || built.stdout);
        return {
          file: paramFile.path,
          line: diagnostic.line,
          message: `Bicep compile error ${diagnostic.message}`,
        };
      }
      const document = parseJsonDocument(
        parametersText(built.stdout),
        paramFile.path,
        paramFile.absolutePath,
      );
      const lines = scanBicepSource(readTextOrUndefined(paramFile.absolutePath) ?? '').params;
      const parameters = readParametersDocument(document);
      for (const [name, supplied] of parameters) {
        const line = lines.get(name) ?? 1;
        supplied.locate = () => ({ file: paramFile.path, line });
      }
      unit.parameters = parameters;
    }
    return unit;
  };

  const results = await mapConcurrent(roots, concurrency, async (file) => {
    try {
      return await compileOne(file);
    } catch (error) {
      return {
        file: file.path,
        line: (error as { line?: number }).line,
        message: error instanceof Error ? error.message : String(error),
      } satisfies FileError;
    }
  });
  const units: CompiledBicep[] = [];
  for (const result of results) {
    if ('templateJson' in result) units.push(result);
    else errors.push(result);
  }
  return { units, errors };
}
