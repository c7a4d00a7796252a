import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigurationError } from '../errors.js';
import { FileAccess } from '../file-access.js';
import { parseJsonDocument } from './arm/jsonc.js';
import type { SourceMap } from './arm/expand.js';
import { readParametersDocument, type SuppliedParameter } from './arm/parameters.js';
import type { FileError, Logger } from '../model.js';
import { checkBicepReferences, isExternalReference } from './bicep-references.js';
import { displayPath, type DiscoveredFile } from './discover.js';
import { compilerEnvironment, findBicepCli, type RegistrySignIn } from './bicep-cli.js';
import { bicepCompileErrors } from './bicep-diagnostics.js';
import { runBounded, type BoundedRunResult } from './bounded-process.js';

export { findBicepCli } from './bicep-cli.js';
export { isExternalReference } from './bicep-references.js';
export { parseBicepDiagnostic } from './bicep-diagnostics.js';

export interface BicepOptions {
  /** The Bicep CLI to run (`bicep`, a path, or `az` to go through the Azure CLI); found on PATH when unset. */
  command?: string;
  /** Per-file compile timeout in milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Compiles running at once (default: CPU count, at most 4). */
  concurrency?: number;
  /** Most bytes read from the compiler's output (default 32 MB); beyond it the compile is stopped. */
  maxOutputBytes?: number;
  /**
   * Environment to find the CLI on PATH in and to take the compiler's few variables from (see
   * `compilerEnvironment`); defaults to process.env.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Let the compiler use the Azure sign-in of the machine (`az login`, `azure/login`) to restore
   * modules from private registries. Off by default: a pull request could name a registry of its
   * own and receive the token (see `RegistrySignIn`).
   */
  registrySignIn?: boolean;
}

export interface BicepCompileOptions extends BicepOptions {
  cwd: string;
  logger: Logger;
  /** An explicit `.bicepparam` (or parameters JSON) file for a single scanned Bicep file. */
  explicitParameters?: string;
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
  usingLine?: number;
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
    if (match) {
      source.using = match[1];
      source.usingLine = i + 1;
    }
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
    if (!isExternalReference(modulePath)) {
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
      if (isExternalReference(module.path)) continue;
      targets.add(path.resolve(path.dirname(file.absolutePath), module.path));
    }
  }
  return targets;
}

/** What `bicep build-params --stdout` prints: the parameters JSON, and (since 0.2x) the template too. */
function buildParamsOutput(stdout: string): { parametersJson: string; templateJson?: string } {
  try {
    const parsed = JSON.parse(stdout) as { parametersJson?: unknown; templateJson?: unknown };
    if (typeof parsed.parametersJson === 'string') {
      return {
        parametersJson: parsed.parametersJson,
        templateJson: typeof parsed.templateJson === 'string' ? parsed.templateJson : undefined,
      };
    }
  } catch {
    // a plain parameters file (older CLIs), or not JSON: the JSONC parser reports it
  }
  return { parametersJson: stdout };
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The modules `bicep restore` already downloaded (`~/.bicep`) stay visible from the compiler's
 * empty home: the cache holds module sources, no credentials.
 */
function shareModuleCache(env: NodeJS.ProcessEnv, isolatedHome: string): void {
  const home = env.HOME ?? env.USERPROFILE;
  if (!home) return;
  const cache = path.join(home, '.bicep');
  try {
    if (statSync(cache).isDirectory()) symlinkSync(cache, path.join(isolatedHome, '.bicep'), 'junction');
  } catch {
    // no cache yet, or links not allowed: modules are restored into the empty home
  }
}
/**
 * Most bytes read from the compiler's stdout. ARM takes templates up to 4 MB; the compiler prints
 * them indented, so 32 MB leaves room for any template ARM would accept.
 */
const DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/**
 * Compiles `.bicep` files with the Bicep CLI (bounded parallelism, per-file timeout, capped
 * output, the whole process tree ended on timeout) and the `.bicepparam` files that use them.
 * Compile errors are reported on the file and line of the compiler's own diagnostics; a missing
 * CLI is one error for all the files.
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

  // Which .bicepparam goes with which .bicep (`using './main.bicep'`); those that use a registry
  // or template-spec template (`using 'br/public:…'`) are compiled on their own.
  const paramsByTemplate = new Map<string, DiscoveredFile[]>();
  const externalParams: { file: DiscoveredFile; using: string; line: number }[] = [];
  const explicit = options.explicitParameters;
  const paramCandidates = (
    explicit?.toLowerCase().endsWith('.bicepparam')
      ? [{ path: displayPath(explicit, options.cwd), absolutePath: explicit, kind: 'bicepparam' as const }]
      : bicepParamFiles
  ).filter((f) => !refused.has(f.absolutePath));
  for (const file of paramCandidates) {
    const source = scanBicepSource(readTextOrUndefined(file.absolutePath) ?? '');
    const using = source.using;
    if (explicit && file.absolutePath === explicit && roots.length === 1) {
      paramsByTemplate.set(roots[0].absolutePath, [file]);
    } else if (using && isExternalReference(using)) {
      externalParams.push({ file, using, line: source.usingLine ?? 1 });
    } else if (using && using.toLowerCase() !== 'none') {
      const target = path.resolve(path.dirname(file.absolutePath), using);
      paramsByTemplate.set(target, [...(paramsByTemplate.get(target) ?? []), file]);
    }
  }

  const scanned = [...roots, ...externalParams.map((p) => p.file)];
  if (scanned.length === 0) return { units: [], errors };
  const env = options.env ?? process.env;
  const cli = findBicepCli({ command: options.command, env });
  if (!cli) {
    const shown = scanned.slice(0, 5).map((f) => f.path);
    errors.push({
      file: scanned[0].path,
      message: `Bicep CLI not found${options.command ? ` (${options.command})` : ''}: ${scanned.length} Bicep file(s) not scanned (${shown.join(', ')}${scanned.length > shown.length ? ', …' : ''}). Install it (az bicep install, or the bicep binary on PATH) or scan the compiled ARM JSON.`,
    });
    return { units: [], errors };
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const concurrency = options.concurrency ?? Math.min(4, Math.max(1, os.cpus().length));
  // Without sign-in, the compiler's home is an empty folder of this run's, removed when it ends.
  const isolatedHome = options.registrySignIn
    ? undefined
    : mkdtempSync(path.join(os.tmpdir(), 'aml-ha-gate-bicep-'));
  if (isolatedHome) shareModuleCache(env, isolatedHome);
  const signIn: RegistrySignIn = isolatedHome ? { allowed: false, home: isolatedHome } : { allowed: true };
  const removeIsolatedHome = () => {
    if (isolatedHome) rmSync(isolatedHome, { recursive: true, force: true });
  };
  const childEnv = compilerEnvironment(env, signIn);

  /** Runs one compile; its output, or the file errors saying why there is none. */
  const compile = async (
    verb: 'build' | 'build-params',
    file: DiscoveredFile,
  ): Promise<{ stdout: string } | { errors: FileError[] }> => {
    const args = verb === 'build' ? cli.build(file.absolutePath) : cli.buildParams(file.absolutePath);
    const result: BoundedRunResult = await runBounded(cli.command, args, {
      cwd: options.cwd,
      env: childEnv,
      timeoutMs,
      maxStdoutBytes: maxOutputBytes,
    });
    const fail = (message: string): { errors: FileError[] } => ({ errors: [{ file: file.path, message }] });
    if (result.spawnError) return fail(`could not run ${cli.describe}: ${result.spawnError.message}`);
    if (result.timedOut) {
      return fail(
        `${cli.describe} ${verb} did not finish within ${Math.round(timeoutMs / 1000)} s: stopped it and the processes it started`,
      );
    }
    if (result.overflow) {
      return fail(
        `${cli.describe} ${verb} printed more than ${megabytes(maxOutputBytes)}: stopped reading and ended it (ARM takes templates up to 4 MB)`,
      );
    }
    if (result.code !== 0) {
      return {
        errors: bicepCompileErrors(
          result.stderr || result.stdout,
          file,
          options.cwd,
          cli.describe,
          result.code,
        ),
      };
    }
    return { stdout: result.stdout };
  };

  /** A .bicepparam's values (located on its `param` lines) and the template build-params printed. */
  const compileParams = async (
    paramFile: DiscoveredFile,
  ): Promise<{ templateJson?: string; parameters: Map<string, SuppliedParameter> } | FileError[]> => {
    const built = await compile('build-params', paramFile);
    if ('errors' in built) return built.errors;
    const output = buildParamsOutput(built.stdout);
    const document = parseJsonDocument(output.parametersJson, paramFile.path, paramFile.absolutePath);
    const lines = scanBicepSource(readTextOrUndefined(paramFile.absolutePath) ?? '').params;
    const parameters = readParametersDocument(document);
    for (const [name, supplied] of parameters) {
      const line = lines.get(name) ?? 1;
      supplied.locate = () => ({ file: paramFile.path, line });
    }
    return { templateJson: output.templateJson, parameters };
  };

  /**
   * A .bicepparam whose template comes from a registry or a template spec: the compiler restores
   * it and prints it; its resources point at the `using` line, the one place in the repository
   * that names them.
   */
  const compileExternal = async (
    entry: (typeof externalParams)[number],
  ): Promise<CompiledBicep | FileError[]> => {
    const built = await compileParams(entry.file);
    if (Array.isArray(built)) return built;
    if (built.templateJson === undefined) {
      return [
        {
          file: entry.file.path,
          line: entry.line,
          message: `${cli.describe} build-params did not print the template of ${entry.using} (a Bicep CLI older than 0.20?): update the Bicep CLI, or scan the template's own source`,
        },
      ];
    }
    const sourceMap: SourceMap = {
      file: entry.file.path,
      resourceLine: () => entry.line,
      parameterLine: (name) =>
        scanBicepSource(readTextOrUndefined(entry.file.absolutePath) ?? '').params.get(name.toLowerCase()),
      module: () => undefined,
      moduleLine: () => entry.line,
    };
    return { file: entry.file, templateJson: built.templateJson, sourceMap, parameters: built.parameters };
  };

  const compileOne = async (file: DiscoveredFile): Promise<CompiledBicep | FileError[]> => {
    const paramFiles = paramsByTemplate.get(file.absolutePath) ?? [];
    if (paramFiles.length > 1) {
      options.logger.info(
        `${file.path}: ${paramFiles.length} .bicepparam files use it (${paramFiles.map((f) => f.path).join(', ')}); evaluated with its defaults. Pass --parameters to choose one.`,
      );
    }
    const paramFile = paramFiles.length === 1 ? paramFiles[0] : undefined;
    let templateJson: string | undefined;
    let parameters: Map<string, SuppliedParameter> | undefined;
    if (paramFile) {
      // One compile gives both: build-params prints the template it uses beside the values.
      const built = await compileParams(paramFile);
      if (Array.isArray(built)) return built;
      ({ templateJson, parameters } = built);
    }
    if (templateJson === undefined) {
      const built = await compile('build', file);
      if ('errors' in built) return built.errors;
      templateJson = built.stdout;
    }
    const sourceMap = createBicepSourceMap(file.absolutePath, options.cwd, readTextOrUndefined);
    return { file, templateJson, sourceMap, ...(parameters ? { parameters } : {}) };
  };

  const jobs: { file: DiscoveredFile; run: () => Promise<CompiledBicep | FileError[]> }[] = [
    ...roots.map((file) => ({ file, run: () => compileOne(file) })),
    ...externalParams.map((entry) => ({ file: entry.file, run: () => compileExternal(entry) })),
  ];
  const results = await mapConcurrent(
    jobs,
    concurrency,
    async (job): Promise<CompiledBicep | FileError[]> => {
      try {
        return await job.run();
      } catch (error) {
        return [
          {
            file: (error as { file?: string }).file ?? job.file.path,
            line: (error as { line?: number }).line,
            message: error instanceof Error ? error.message : String(error),
          },
        ];
      }
    },
  ).finally(removeIsolatedHome);
  const units: CompiledBicep[] = [];
  for (const result of results) {
    if (Array.isArray(result)) errors.push(...result);
    else units.push(result);
  }
  return { units, errors };
}
