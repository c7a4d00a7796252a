import { resolve } from 'node:path';
import { evaluateResources } from '../engine.js';
import { ConfigurationError } from '../errors.js';
import { applyGate } from '../gate.js';
import type { Report } from '../model.js';
import { readLive } from '../sources/live/index.js';
import type { LiveSettings } from '../sources/live/settings.js';
import { VERSION } from '../version.js';
import { liveDepsFor, SIGN_IN_FLAGS, signInSettingsFrom } from './azure-flags.js';
import type { CliIo } from './io.js';
import { FAIL_ON, FORMATS, oneOf, parseCommandFlags, REPORT_FLAGS, UNKNOWN_AS } from './options.js';
import { cliLogger, emitReport, loadGateConfig, readBaseline } from './scan-command.js';

export const WORKSPACE_USAGE = `Usage: aml-ha-gate workspace <ID|NAME ...|all> [options]

Reads a deployed Azure Machine Learning workspace through Azure Resource Manager (its storage,
key vault, registry, Application Insights, computes, datastores and the resources behind them)
and checks it against the same rules as templates. ID is a workspace resource id; NAME needs
--resource-group and --subscription-id; 'all' reads every workspace of the subscription (or of
--resource-group). Signs in with the Azure CLI session ('az login'), environment credentials
(AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH), or inside a GitHub job with its OIDC token.

Options:
  --resource-group RG     resource group of a workspace NAME (or the scope of 'all')
  --subscription-id ID    subscription of a NAME or of 'all'            (default: AZURE_SUBSCRIPTION_ID)
  --auth METHOD           auto | oidc | azure-cli | environment         (default: auto)
  --client-id ID          app registration for oidc                     (default: AZURE_CLIENT_ID)
  --tenant-id ID          tenant for oidc / azure-cli                   (default: AZURE_TENANT_ID)
  --audience AUD          audience of the GitHub OIDC token             (default: api://AzureADTokenExchange)
  --cloud CLOUD           AzureCloud | AzureUSGovernment | AzureChinaCloud (default: AzureCloud)
  --arm-endpoint URL      ARM endpoint of another cloud or Azure Stack
  --authority-host URL    Entra ID authority host of another cloud or Azure Stack
  --format FORMAT         table | markdown | json | sarif               (default: table)
  --output FILE           write the report in FORMAT to FILE; the table still goes to stdout
  --baseline FILE         a JSON report of an earlier run: mark what is new or worse as a regression
  --fail-on LEVEL         regression | fail | warn | never              (default: fail, or regression with --baseline)
  --unknown-as STATUS     unknown | warn | fail: how "could not tell" counts (default: unknown)
  --config FILE           suppressions and rule overrides (default: .github/aml-ha-gate.yml when present)
  --debug                 print debug details to stderr
  -h, --help              show this help

Exit codes: 0 the gate passed, 1 the gate failed, 2 usage, sign-in or input error.`;

/** `aml-ha-gate workspace`: live mode from a terminal; returns the exit code. */
export async function runWorkspaceCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args);
  if (values.help) {
    io.stdout(`${WORKSPACE_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) {
    throw new ConfigurationError(
      "no workspace given. Use 'aml-ha-gate workspace <ID>' (or a name with --resource-group, or all); 'aml-ha-gate workspace --help' shows the options.",
    );
  }
  const logger = cliLogger(io, values.debug === true);
  const format = oneOf('--format', values.format, FORMATS) ?? 'table';
  const unknownAs = oneOf('--unknown-as', values['unknown-as'], UNKNOWN_AS) ?? 'unknown';
  const failOn = oneOf('--fail-on', values['fail-on'], FAIL_ON) ?? (values.baseline ? 'regression' : 'fail');
  const settings: LiveSettings = {
    workspaces: positionals,
    resourceGroup: values['resource-group'],
    subscriptionId: values['subscription-id'] ?? io.env.AZURE_SUBSCRIPTION_ID,
    ...signInSettingsFrom(values, io.env),
  };
  const config = await loadGateConfig(io.cwd, values.config);
  const baseline = values.baseline
    ? await readBaseline(resolve(io.cwd, values.baseline), values.baseline)
    : undefined;

  const { resources, errors } = await readLive(settings, liveDepsFor(io, logger));
  const findings = evaluateResources(resources);
  const report: Report = applyGate(findings, errors, {
    mode: 'workspace',
    failOn,
    unknownAs,
    config,
    baseline,
    now: new Date(),
    version: VERSION,
  });
  await emitReport(report, format, values.output, io);
  return report.verdict === 'pass' ? 0 : 1;
}

function parseFlags(args: string[]) {
  return parseCommandFlags('workspace', args, {
    'resource-group': { type: 'string' },
    'subscription-id': { type: 'string' },
    ...SIGN_IN_FLAGS,
    ...REPORT_FLAGS,
  });
}
