import { lstatSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError, describeError } from '../errors.js';
import { FileAccess } from '../file-access.js';
import type { FileError, Logger, Resource } from '../model.js';
import { DEFAULT_DEPLOYMENT } from './arm/deployment-context.js';
import { expandTemplate, type TemplateDocument } from './arm/expand.js';
import type { DeploymentContext } from './arm/expression/api.js';
import { parseJsonDocument, type JsonDocument } from './arm/jsonc.js';
import { readParametersDocument, type SuppliedParameter } from './arm/parameters.js';
import { checkTemplateShape, looksLikeTemplate } from './arm/shape.js';
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
  /**
   * The folders linked templates, parameters files and Bicep modules may be read from (the
   * repository: the workspace in the action, `scanRoots` in the CLI); default: `cwd`.
   */
  roots?: string[];
}

export interface LoadResult {
  resources: Resource[];
  errors: FileError[];
  /** Top-level templates evaluated (linked templates reached from another one are not counted). */
  templates: number;
}

/**
 * Reads and parses JSON documents once per run, keeping the parse error of a bad file. Every read
 * goes through the run's `FileAccess`: a regular file inside the repository, within the size limit.
 */
class DocumentCache {
  private readonly documents = new Map<string, JsonDocument | ConfigurationError>();
  /** Read errors, by path and by how the file was named (a link, a parameters file). */
  private readonly readErrors = new Map<string, ConfigurationError>();
  /** Texts discovery already read, taken (and dropped) on first parse. */
  private readonly texts = new Map<string, string>();
  constructor(
    private readonly cwd: string,
    private readonly access: FileAccess,
    files: DiscoveredFile[],
  ) {
    for (const file of files) {
      if (file.text === undefined) continue;
      this.texts.set(file.absolutePath, file.text);
      delete file.text; // held here until parsed, then free
    }
  }

  /** The file's text: from discovery when it read it, else from disk through the access rules. */
  text(absolutePath: string, what?: string): string {
    const text = this.texts.get(absolutePath);
    if (text === undefined) return this.access.readText(absolutePath, { what });
    this.texts.delete(absolutePath);
    return text;
  }

  /**
   * The parsed document. A file that may not or cannot be read throws a `ConfigurationError`
   * without a file, its message starting with `what` (default: the path), so that the caller
   * names who pointed at it; a parse error names the file and line.
   */
  read(absolutePath: string, what = displayPath(absolutePath, this.cwd)): JsonDocument {
    let entry = this.documents.get(absolutePath);
    if (!entry) {
      const readKey = `${absolutePath}\n${what}`;
      const readError = this.readErrors.get(readKey);
      if (readError) throw readError;
      let text: string;
      try {
        text = this.text(absolutePath, what);
      } catch (error) {
        const failure =
          error instanceof ConfigurationError
            ? error
            : new ConfigurationError(`cannot read ${what}: ${describeError(error)}`);
        this.readErrors.set(readKey, failure);
        throw failure;
      }
      const file = displayPath(absolutePath, this.cwd);
      try {
        entry = parseJsonDocument(text, file, absolutePath);
      } catch (error) {
        entry =
          error instanceof ConfigurationError ? error : new ConfigurationError(describeError(error), file);
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

/** Whether something is at the path (a dangling link counts: reading it says why it fails). */
function pathExists(absolutePath: string): boolean {
  try {
    lstatSync(absolutePath);
    return true;
  } catch {
    return false;
  }
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
export async function loadTemplates(allFiles: DiscoveredFile[], options: LoadOptions): Promise<LoadResult> {
  const logger = onceOnly(options.logger);
  const explicitParameters = options.parametersFile
    ? path.resolve(options.cwd, options.parametersFile)
    : undefined;
  const access = new FileAccess(options.roots ?? [options.cwd], {
    cwd: options.cwd,
    allow: explicitParameters ? [explicitParameters] : [],
  });
  // Files discovery could not read or may not follow: one error each, never a silent skip.
  const errors: FileError[] = allFiles
    .filter((file) => file.problem !== undefined)
    .map((file) => ({ file: file.path, message: file.problem! }));
  const files = allFiles.filter((file) => file.problem === undefined);
  const cache = new DocumentCache(options.cwd, access, files);
  const deployment: DeploymentContext = { ...DEFAULT_DEPLOYMENT, ...options.deployment };
  const resources: Resource[] = [];
  /** Where a path really is, to match linked templates with the scanned files whatever the path. */
  const realPathOf = (absolutePath: string): string => {
    const checked = access.check(absolutePath);
    return checked instanceof ConfigurationError ? absolutePath : checked.realPath;
  };

  const jsonTemplates = files.filter((f) => f.kind === 'template');
  const bicepFiles = files.filter((f) => f.kind === 'bicep');
  const bicepParamFiles = files.filter((f) => f.kind === 'bicepparam');
  const topLevelCount = jsonTemplates.length + bicepFiles.length;

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
      candidate = pathExists(conventional) ? conventional : undefined;
    }
    if (!candidate) return undefined;
    const shown = displayPath(candidate, options.cwd);
    try {
      return readParametersDocument(cache.read(candidate, shown));
    } catch (error) {
      return toFileError(error, shown);
    }
  };

  /**
   * A linked template or parameters file, for the expander: refused (with the linking template's
   * file and line, which the expander adds) unless it is a regular file inside the repository
   * within the size limit; a linked template must have the shape ARM requires.
   */
  const readLinked = (absolutePath: string): JsonDocument => {
    const document = cache.read(absolutePath, `linked file ${displayPath(absolutePath, options.cwd)}`);
    if (looksLikeTemplate(document)) checkTemplateShape(document);
    return document;
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
      readDocument: readLinked,
      readParameters: readParametersDocument,
      fileExists: (absolutePath) => access.isReadableFile(absolutePath),
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

  /** Real paths of the templates reached as linked templates of another one. */
  const linked = new Set<string>();
  const unitErrors = new Map<string, FileError[]>();
  let evaluated = 0;

  for (const { file } of ordered) {
    if (linked.has(file.realPath ?? file.absolutePath)) continue;
    evaluated++;
    const fileErrors: FileError[] = [];
    unitErrors.set(file.path, fileErrors);
    let document: TemplateDocument;
    try {
      const text = texts.get(file.absolutePath);
      texts.delete(file.absolutePath);
      document =
        text !== undefined ? cache.parse(text, file.path, file.absolutePath) : cache.read(file.absolutePath);
      checkTemplateShape(document);
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
      const self = file.realPath ?? file.absolutePath;
      for (const reached of result.linkedFiles) {
        const real = realPathOf(reached);
        if (real !== self) linked.add(real);
      }
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
      access,
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
  const linkedUnits = new Set(
    files.filter((file) => linked.has(file.realPath ?? file.absolutePath)).map((file) => file.path),
  );
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
