import { evaluateResources } from './engine.js';
import { ConfigurationError } from './errors.js';
import { applyGate, type GateOptions } from './gate.js';
import type { Finding, Logger, Report } from './model.js';
import { discoverTemplates, scanRoots } from './sources/discover.js';
import { hasRules } from './rules/index.js';
import { loadTemplates } from './sources/templates.js';
import { VERSION } from './version.js';

/** Everything a template scan needs; the CLI and the action both build one. */
export interface TemplateScanOptions {
  /** Files or directories; empty = the current directory. */
  paths: string[];
  cwd: string;
  /** Explicit parameters file for a single template. */
  parametersFile?: string;
  failOn: GateOptions['failOn'];
  unknownAs: GateOptions['unknownAs'];
  config?: GateOptions['config'];
  baseline?: Finding[];
  logger: Logger;
  now: Date;
}

/**
 * The template pipeline, left to right: discover → expand → link + rules → gate. Pure apart from
 * reading the template files; a file that cannot be read is listed in `errors`, never fatal.
 */
export async function scanTemplates(options: TemplateScanOptions): Promise<Report> {
  const paths = options.paths.length > 0 ? options.paths : ['.'];
  // Linked files may come from the scanned paths' repository (or the working directory).
  const roots = scanRoots(paths, options.cwd);
  const files = await discoverTemplates(paths, options.cwd, { roots });
  if (!files.some((file) => file.kind !== 'parameters')) {
    throw new ConfigurationError(
      `nothing to scan in ${paths.join(', ')}: no ARM template (a .json file whose $schema is deploymentTemplate.json) or .bicep file found. Pass the folder that holds your templates.`,
    );
  }
  const { resources, errors } = await loadTemplates(files, {
    cwd: options.cwd,
    parametersFile: options.parametersFile,
    logger: options.logger,
    locatable: hasRules,
    roots,
  });
  options.logger.debug(`${files.length} files, ${resources.length} resources, ${errors.length} errors`);
  const findings = evaluateResources(resources);
  return applyGate(findings, errors, {
    mode: 'templates',
    failOn: options.failOn,
    unknownAs: options.unknownAs,
    config: options.config,
    baseline: options.baseline,
    now: options.now,
    version: VERSION,
  });
}
