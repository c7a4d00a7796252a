import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfigFile } from '../config-file.js';
import { mergeDeploymentSettings } from '../deployment-settings.js';
import { ConfigurationError } from '../errors.js';
import { describeFileError, MAX_BASELINE_BYTES, readRegularFile, statRegularFile } from '../file-access.js';
import { parseBaselineReport } from '../gate.js';
import type { Finding, Logger, Report } from '../model.js';
import { logLine } from '../report/escape.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { renderTable } from '../report/table.js';
import { RULES } from '../rules/index.js';
import { scanTemplates } from '../scan.js';
import { AzureDependencyReader } from '../sources/live/dependencies.js';
import {
  DEPLOYMENT_FLAGS,
  deploymentSettingsFrom,
  liveDepsFor,
  SIGN_IN_FLAGS,
  signInSettingsFrom,
} from './azure-flags.js';
import { type CliIo, useColor } from './io.js';
import {
  FAIL_ON,
  FORMATS,
  type Format,
  oneOf,
  parseCommandFlags,
  REPORT_FLAGS,
  UNKNOWN_AS,
} from './options.js';

export const SCAN_USAGE = `Usage: aml-ha-gate scan [PATH ...] [options]

Scans ARM templates (.json), Bicep files (.bicep, .bicepparam) and the JSON of Terraform plans
(terraform show -json tfplan > plan.json) for Azure Machine Learning high-availability gaps.
PATH is a file or a directory (walked for templates and plans, skipping node_modules and .git);
with no PATH the current directory is scanned. A plan's findings that are worse than before the
plan (or new and failing) are regressions, with no baseline needed.

Options:
  --parameters FILE     parameters file for a single template (default: x.parameters.json beside x.json)
  --format FORMAT       table | markdown | json | sarif              (default: table)
  --output FILE         write the report in FORMAT to FILE; the table still goes to stdout
  --baseline FILE       a JSON report of an earlier run: mark what is new or worse as a regression
  --fail-on LEVEL       regression | fail | warn | never             (default: fail, or regression with --baseline)
  --unknown-as STATUS   unknown | warn | fail: how "could not tell" counts (default: unknown)
  --config FILE         suppressions, rule overrides, deployment settings (default: .github/aml-ha-gate.yml when present)
  --bicep-registry-sign-in
                        let the Bicep CLI use this machine's Azure sign-in (az login) to restore modules
                        from private registries; off by default, as a template could name a registry
                        that would receive the token: use it only on templates you trust
  --debug               print debug details (and stacks of internal errors) to stderr
  -h, --help            show this help

Where the templates deploy (default: placeholders; verdicts that depend on them are unknown):
  --subscription-id ID  subscription (subscription().subscriptionId, resourceId())
  --resource-group RG   resource group (resourceGroup().name, resourceId())
  --location REGION     the resource group's location (resourceGroup().location): decides zones, replica regions
  --tenant-id ID        tenant (subscription().tenantId); also the tenant to sign in to
  --deployment-name N   deployment().name
  --management-group MG managementGroup()
  The config file's deployment: section sets the same (subscriptionId, resourceGroup, location, …).

Dependencies the templates name but do not declare (a storage account or hub given as an id) are
unknown unless read from Azure:
  --read-azure          read them through Azure Resource Manager (signs in with --auth: the Azure CLI
                        session after 'az login', environment credentials, or a GitHub job's OIDC token)
  --auth METHOD         auto | oidc | azure-cli | environment         (default: auto)
  --client-id ID        app registration for oidc                     (default: AZURE_CLIENT_ID)
  --audience AUD        audience of the GitHub OIDC token             (default: api://AzureADTokenExchange)
  --cloud CLOUD         AzureCloud | AzureUSGovernment | AzureChinaCloud (default: AzureCloud)
  --arm-endpoint URL    ARM endpoint of another cloud or Azure Stack
  --authority-host URL  Entra ID authority host of another cloud or Azure Stack
  Only ids that name a real subscription and resource group are read (set --subscription-id and
  --resource-group for ids the templates build with resourceId()); findings read from Azure say so.

Exit codes: 0 the gate passed, 1 the gate failed, 2 usage or input error.`;

/** `aml-ha-gate scan`: returns the exit code. */
export async function runScanCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args);
  if (values.help) {
    io.stdout(`${SCAN_USAGE}\n`);
    return 0;
  }
  const logger = cliLogger(io, values.debug === true);
  const format = oneOf('--format', values.format, FORMATS) ?? 'table';
  const unknownAs = oneOf('--unknown-as', values['unknown-as'], UNKNOWN_AS) ?? 'unknown';
  const failOn = oneOf('--fail-on', values['fail-on'], FAIL_ON) ?? (values.baseline ? 'regression' : 'fail');

  const config = await loadGateConfig(io.cwd, values.config);
  const deployment = mergeDeploymentSettings(deploymentSettingsFrom(values), config.deployment);
  const signInFlags = ['auth', 'client-id', 'audience', 'cloud', 'arm-endpoint', 'authority-host'] as const;
  const stray = signInFlags.filter((flag) => values[flag] !== undefined);
  if (values['read-azure'] !== true && stray.length > 0)
    logger.warning(
      `${stray.map((flag) => `--${flag}`).join(', ')} only matter with --read-azure: nothing is read from Azure.`,
    );
  const azure =
    values['read-azure'] === true
      ? new AzureDependencyReader(signInSettingsFrom(values, io.env), liveDepsFor(io, logger))
      : undefined;
  const baseline = values.baseline
    ? await readBaseline(resolve(io.cwd, values.baseline), values.baseline)
    : undefined;
  const parametersFile = values.parameters ? resolve(io.cwd, values.parameters) : undefined;
  if (parametersFile) {
    try {
      statRegularFile(parametersFile, { file: values.parameters });
    } catch (error) {
      if (error instanceof ConfigurationError && /^no such file/.test(error.message)) {
        throw new ConfigurationError(
          `parameters file not found. Check the path given to --parameters, or leave it out to use x.parameters.json beside x.json.`,
          values.parameters,
        );
      }
      throw error;
    }
  }

  const report = await scanTemplates({
    paths: positionals,
    cwd: io.cwd,
    parametersFile,
    failOn,
    unknownAs,
    config,
    baseline,
    deployment,
    azure,
    bicepRegistrySignIn: values['bicep-registry-sign-in'] === true,
    logger,
    now: new Date(),
  });
  await emitReport(report, format, values.output, io);
  return report.verdict === 'pass' ? 0 : 1;
}

function parseFlags(args: string[]) {
  return parseCommandFlags('scan', args, {
    parameters: { type: 'string' },
    ...DEPLOYMENT_FLAGS,
    'read-azure': { type: 'boolean' },
    'bicep-registry-sign-in': { type: 'boolean' },
    ...SIGN_IN_FLAGS,
    ...REPORT_FLAGS,
  });
}

/** Renders the report: the chosen format to --output (or stdout), and the table to stdout when writing a file. */
export async function emitReport(
  report: Report,
  format: Format,
  output: string | undefined,
  io: CliIo,
): Promise<void> {
  const color = useColor(io);
  const render = (which: Format): string => {
    switch (which) {
      case 'table':
        return renderTable(report, { color: output ? false : color });
      case 'markdown':
        return renderMarkdown(report, RULES, {});
      case 'json':
        return renderJson(report);
      case 'sarif':
        return renderSarif(report, RULES);
    }
  };
  if (output) {
    try {
      await writeFile(resolve(io.cwd, output), ensureNewline(render(format)));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such folder' : describeFileError(error);
      throw new ConfigurationError(
        `cannot write the report: ${reason}. Give --output a file path in an existing folder.`,
        output,
      );
    }
    io.stdout(ensureNewline(renderTable(report, { color })));
    io.stderr(`report written to ${logLine(output)}\n`);
  } else {
    io.stdout(ensureNewline(render(format)));
  }
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** The config file: an explicit --config must exist; the default one is optional. */
export async function loadGateConfig(cwd: string, explicit: string | undefined) {
  if (explicit) return loadConfigFile(resolve(cwd, explicit), { required: true, shown: explicit });
  const shown = '.github/aml-ha-gate.yml';
  return loadConfigFile(resolve(cwd, shown), { required: false, shown });
}

export async function readBaseline(path: string, shown: string): Promise<Finding[]> {
  let text: string;
  try {
    text = readRegularFile(path, {
      file: shown,
      maxBytes: MAX_BASELINE_BYTES,
      limitName: 'for a baseline report',
    });
  } catch (error) {
    if (error instanceof ConfigurationError && /^no such file/.test(error.message)) {
      throw new ConfigurationError(
        'baseline report not found. Pass the JSON report of an earlier run (aml-ha-gate scan --format json --output FILE).',
        shown,
      );
    }
    throw error;
  }
  return parseBaselineReport(text, shown);
}

/**
 * Messages to stderr, one line each: repository text in them (file and resource names) has its
 * control characters shown, not obeyed (no ANSI escape reaches the terminal), and cannot read as
 * a workflow command when the CLI runs in a GitHub Actions job.
 */
export function cliLogger(io: CliIo, debug: boolean): Logger {
  return {
    debug: (message) => {
      if (debug) io.stderr(`debug: ${logLine(message)}\n`);
    },
    info: (message) => io.stderr(`${logLine(message)}\n`),
    warning: (message) => io.stderr(`warning: ${logLine(message)}\n`),
    error: (message) => io.stderr(`error: ${logLine(message)}\n`),
  };
}
