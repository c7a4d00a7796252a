import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError, describeError } from '../errors.js';
import type { FileError, Logger, Resource } from '../model.js';
import { DEFAULT_DEPLOYMENT } from './arm/deployment-context.js';
import { expandTemplate, type TemplateDocument } from './arm/expand.js';
import type { DeploymentContext } from './arm/expression/api.js';
import { parseJsonDocument, type JsonDocument } from './arm/jsonc.js';
import { readParametersDocument, type SuppliedParameter } from './arm/parameters.js';
import { compileBicepFiles, type BicepOptions } from './bicep.js';
import { displayPath, type DiscoveredFile } from './discover.js';

export interface LoadOptions {
  cwd: string;
  /** Explicit parameters file; applies when one template is scanned. */
  parametersFile?: string;
  /** Overrides of the placeholder deployment (subscription, resource group, location, …). */
  deployment?: Partial<DeploymentContext>;
  bicep?: BicepOptions;
  logger: Logger;
  /** Resource types whose findings need lines (see `ExpandOptions.locatable`); default: all. */
  locatable?: (type: string) => boolean;
}

export interface LoadResult {
  resources: Resource[];
  errors: FileError[];
  /** Top-level templates evaluated (linked templates reached from another one are not counted). */
  templates: number;
}

/** Reads and parses JSON documents once per run, keeping the parse error of a bad file. */
class DocumentCache {
  private readonly documents = new Map<string, JsonDocument | ConfigurationError>();
  /** Texts discovery already read, taken (and dropped) on first parse. */
  private readonly texts = new Map<string, string>();
  constructor(
    private readonly cwd: string,
    files: DiscoveredFile[],
  ) {
    for (const file of files) {
      if (file.text === undefined) continue;
      this.texts.set(file.absolutePath, file.text);
      delete file.text; // held here until parsed, then free
    }
  }

  /** The file's text: from discovery when it read it, else from disk. */
  text(absolutePath: string): string {
    const text = this.texts.get(absolutePath);
    if (text === undefined) return readFileSync(absolutePath, 'utf8');
    this.texts.delete(absolutePath);
    return text;
  }

  read(absolutePath: string): JsonDocument {
    let entry = this.documents.get(absolutePath);
    if (!entry) {
      const file = displayPath(absolutePath, this.cwd);
      try {
        entry = parseJsonDocument(this.text(absolutePath), file, absolutePath);
      } catch (error) {
        entry =
          error instanceof ConfigurationError
            ? error
            : new ConfigurationError(`cannot read the file: ${readErrorReason(error)}`, file);
      }
      this.documents.set(absolutePath, entry);
    }
    if (entry instanceof ConfigurationError) throw entry;
    return entry;
  }

  /** Parses already-read text (compiled Bicep output) under a display name. */
  parse(text: string, file: string, absolutePath: string): JsonDocument {
    return parseJsonDocument(text, file, absolutePath);
  }
}

function fileExists(absolutePath: string): boolean {
  try {
    return statSync(absolutePath).isFile();
  } catch {
    return false;
  }
}

function readErrorReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return describeError(error);
}

function toFileError(error: unknown, file: string): FileError {
  if (error instanceof ConfigurationError)
    return { file: error.file ?? file, line: error.line, message: error.message };
  return { file, message: `could not expand the template: ${describeError(error)}` };
}

/**
 * The logger with each distinct warning shown once: a link in a copy loop, or a linked template
 * reached from several parents, would otherwise repeat the same line for every iteration.
 */
function onceOnly(logger: Logger): Logger {
  const shown = new Set<string>();
  return {
    ...logger,
    warning: (message) => {
      if (shown.has(message)) return;
      shown.add(message);
      logger.warning(message);
    },
  };
}

/** `x.json` ↔ `x.parameters.json` (also `azuredeploy.json` ↔ `azuredeploy.parameters.json`). */
export function conventionalParametersPath(templatePath: string): string {
  const extension = path.extname(templatePath);
  const base = templatePath.slice(0, templatePath.length - extension.length);
  return `${base}.parameters${extension || '.json'}`;
}

/**
 * Turns the discovered templates (ARM JSON and Bicep) into normalized resources with source
 * locations. Each file that cannot be read, parsed, compiled or expanded becomes one `FileError`;
 * the other files are still evaluated. A template reached as the linked template of another one
 * is evaluated only there, so its findings are not reported twice.
 */
export async function loadTemplates(files: DiscoveredFile[], options: LoadOptions): Promise<LoadResult> {
  const logger = onceOnly(options.logger);
  const cache = new DocumentCache(options.cwd, files);
  const deployment: DeploymentContext = { ...DEFAULT_DEPLOYMENT, ...options.deployment };
  const errors: FileError[] = [];
  const resources: Resource[] = [];

  const jsonTemplates = files.filter((f) => f.kind === 'template');
  const bicepFiles = files.filter((f) => f.kind === 'bicep');
  const bicepParamFiles = files.filter((f) => f.kind === 'bicepparam');
  const topLevelCount = jsonTemplates.length + bicepFiles.length;

  const explicitParameters = options.parametersFile
    ? path.resolve(options.cwd, options.parametersFile)
    : undefined;
  if (explicitParameters && topLevelCount !== 1) {
    logger.warning(
      `the parameters file ${options.parametersFile} applies when one template is scanned; ${topLevelCount} were found, so it is not used`,
    );
  }
  const useExplicit = explicitParameters !== undefined && topLevelCount === 1;

  const parametersFor = (templatePath: string): Map<string, SuppliedParameter> | undefined | FileError => {
    let candidate: string | undefined;
    if (useExplicit && !explicitParameters!.toLowerCase().endsWith('.bicepparam'))
      candidate = explicitParameters;
    else {
      const conventional = conventionalParametersPath(templatePath);
      candidate = existsSync(conventional) ? conventional : undefined;
    }
    if (!candidate) return undefined;
    try {
      return readParametersDocument(cache.read(candidate));
    } catch (error) {
      return toFileError(error, displayPath(candidate, options.cwd));
    }
  };

  const expand = (
    document: TemplateDocument,
    unit: string,
    parameters: Map<string, SuppliedParameter> | undefined,
  ): ReturnType<typeof expandTemplate> =>
    expandTemplate(document, {
      deployment,
      unit,
      parameters,
      readDocument: (absolutePath) => cache.read(absolutePath),
      readParameters: readParametersDocument,
      fileExists,
      logger,
      locatable: options.locatable,
    });

  // Templates that link others go first, so that the linked ones are known before their turn.
  const texts = new Map<string, string>();
  const ordered = jsonTemplates
    .map((file, index) => {
      try {
        const text = cache.text(file.absolutePath);
        texts.set(file.absolutePath, text);
        return { file, index, links: /templatelink/i.test(text) };
      } catch {
        return { file, index, links: false };
      }
    })
    .sort((a, b) => (a.links === b.links ? a.index - b.index : a.links ? -1 : 1));

  const linked = new Set<string>();
  const unitErrors = new Map<string, FileError[]>();
  let evaluated = 0;

  for (const { file } of ordered) {
    if (linked.has(file.absolutePath)) continue;
    evaluated++;
    const fileErrors: FileError[] = [];
    unitErrors.set(file.path, fileErrors);
    let document: TemplateDocument;
    try {
      const text = texts.get(file.absolutePath);
      texts.delete(file.absolutePath);
      document =
        text !== undefined ? cache.parse(text, file.path, file.absolutePath) : cache.read(file.absolutePath);
    } catch (error) {
      fileErrors.push(toFileError(error, file.path));
      continue;
    }
    const parameters = parametersFor(file.absolutePath);
    if (parameters && !(parameters instanceof Map)) {
      fileErrors.push(parameters);
      continue;
    }
    try {
      const result = expand(document, file.path, parameters);
      resources.push(...result.resources);
      fileErrors.push(...result.errors);
      for (const reached of result.linkedFiles) if (reached !== file.absolutePath) linked.add(reached);
    } catch (error) {
      logger.debug(
        `expanding ${file.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      fileErrors.push(toFileError(error, file.path));
    }
  }

  if (bicepFiles.length > 0 || bicepParamFiles.length > 0) {
    const compiled = await compileBicepFiles(bicepFiles, bicepParamFiles, {
      ...options.bicep,
      cwd: options.cwd,
      logger,
      explicitParameters: useExplicit ? explicitParameters : undefined,
    });
    errors.push(...compiled.errors);
    for (const unit of compiled.units) {
      evaluated++;
      const fileErrors: FileError[] = [];
      unitErrors.set(unit.file.path, fileErrors);
      try {
        const document: TemplateDocument = Object.assign(
          cache.parse(unit.templateJson, unit.file.path, unit.file.absolutePath),
          { sourceMap: unit.sourceMap },
        );
        let parameters = unit.parameters;
        if (!parameters) {
          const fromJson = parametersFor(unit.file.absolutePath.replace(/\.bicep$/i, '.json'));
          if (fromJson instanceof Map) parameters = fromJson;
          else if (fromJson) fileErrors.push(fromJson);
        }
        const result = expand(document, unit.file.path, parameters);
        resources.push(...result.resources);
        fileErrors.push(...result.errors);
      } catch (error) {
        fileErrors.push(toFileError(error, unit.file.path));
      }
    }
  }

  // A template evaluated before another one linked it: drop its own run.
  const linkedUnits = new Set([...linked].map((absolutePath) => displayPath(absolutePath, options.cwd)));
  for (const [unit, fileErrors] of unitErrors) {
    if (linkedUnits.has(unit)) {
      evaluated--;
      continue;
    }
    errors.push(...fileErrors);
  }
  const kept =
    linkedUnits.size > 0 ? resources.filter((r) => !r.unit || !linkedUnits.has(r.unit)) : resources;
  if (explicitParameters && useExplicit) logger.debug(`parameters from ${options.parametersFile}`);
  return { resources: kept, errors, templates: evaluated };
}
