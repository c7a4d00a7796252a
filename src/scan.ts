import type { DeploymentSettings } from './deployment-settings.js';
import { evaluateResources } from './engine.js';
import { ConfigurationError } from './errors.js';
import { applyGate, type GateOptions } from './gate.js';
import type { Finding, Logger, Report } from './model.js';
import { RULES, needsLines } from './rules/index.js';
import { deploymentContextFor } from './sources/arm/deployment-context.js';
import { discoverTemplates, scanRoots } from './sources/discover.js';
import { readOutsideDependencies, type AzureDependencyReader } from './sources/live/dependencies.js';
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
  /** Where the templates deploy, as far as the user set it; the rest stays a placeholder. */
  deployment?: DeploymentSettings;
  /** Reads the templates' outside dependencies from Azure; absent = they stay unknown. */
  azure?: AzureDependencyReader;
  /** Let the Bicep CLI use this machine's Azure sign-in to restore modules from private registries. */
  bicepRegistrySignIn?: boolean;
  logger: Logger;
  now: Date;
}

/**
 * The template pipeline, left to right: discover → expand → (read outside dependencies from
 * Azure, when a reader is given) → link + rules → gate. Pure apart from reading the template files
 * and that reader; a file that cannot be read is listed in `errors`, never fatal.
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
  const deployment = options.deployment ?? {};
  const { resources, errors } = await loadTemplates(files, {
    cwd: options.cwd,
    parametersFile: options.parametersFile,
    deployment: deploymentContextFor(deployment),
    logger: options.logger,
    locatable: needsLines,
    roots,
    bicep: { registrySignIn: options.bicepRegistrySignIn === true },
  });
  const plans = loadTerraformPlans(
    files.filter((file) => file.kind === 'terraform-plan'),
    { cwd: options.cwd, logger: options.logger },
  );
  options.logger.debug(`${files.length} files, ${resources.length} resources, ${errors.length} errors`);
  const scanned = [...resources, ...plans.resources];
  const outside = await readOutsideDependencies(scanned, options.azure, deployment, options.logger);
  const findings = markReplacements(
    evaluateResources([...scanned, ...outside.resources], RULES, { deployment }),
    plans,
  );
  const report = applyGate(findings, [...errors, ...plans.errors], {
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
  if (outside.note) report.notes = [...(report.notes ?? []), outside.note];
  return report;
}
