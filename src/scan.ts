import { evaluateResources } from './engine.js';
import { ConfigurationError } from './errors.js';
import { applyGate, type GateOptions } from './gate.js';
import type { Finding, Logger, Report } from './model.js';
import { discoverTemplates, scanRoots } from './sources/discover.js';
import { hasRules } from './rules/index.js';
import { loadTemplates } from './sources/templates.js';
import { loadTerraformPlans, markReplacements } from './sources/terraform/index.js';
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
      `nothing to scan in ${paths.join(', ')}: no ARM template (a .json file whose $schema is deploymentTemplate.json), .bicep file or Terraform plan JSON (terraform show -json tfplan) found. Pass the folder that holds your templates.`,
    );
  }
  const { resources, errors } = await loadTemplates(files, {
    cwd: options.cwd,
    parametersFile: options.parametersFile,
    logger: options.logger,
    locatable: hasRules,
    roots,
  });
  const plans = loadTerraformPlans(
    files.filter((file) => file.kind === 'terraform-plan'),
    { cwd: options.cwd, logger: options.logger },
  );
  options.logger.debug(`${files.length} files, ${resources.length} resources, ${errors.length} errors`);
  const findings = markReplacements(evaluateResources([...resources, ...plans.resources]), plans);
  return applyGate(findings, [...errors, ...plans.errors], {
    ...(plans.plans > 0
      ? {
          ownBaseline: {
            findings: evaluateResources(plans.before),
            covers: (finding) => plans.ids.has(finding.resource.id.toLowerCase()),
          },
          notes: plans.notes,
        }
      : {}),
    mode: 'templates',
    failOn: options.failOn,
    unknownAs: options.unknownAs,
    config: options.config,
    baseline: options.baseline,
    now: options.now,
    version: VERSION,
  });
}
