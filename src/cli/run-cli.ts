import { ConfigurationError, describeError } from '../errors.js';
import { logLine } from '../report/escape.js';
import { RULES } from '../rules/index.js';
import { TOOL_NAME, VERSION } from '../version.js';
import type { CliIo } from './io.js';
import { runScanCommand, SCAN_USAGE } from './scan-command.js';
import { runWorkspaceCommand } from './workspace-command.js';

export const USAGE = `${TOOL_NAME} ${VERSION}: Azure Machine Learning high-availability gate

Usage:
  aml-ha-gate scan [PATH ...] [options]      check ARM templates and Bicep files
  aml-ha-gate workspace <ID|NAME> [options]  check a deployed workspace through Azure Resource Manager
  aml-ha-gate rules                          list the rules and what each checks
  aml-ha-gate --version | --help

Run 'aml-ha-gate <command> --help' for the options of a command.

${SCAN_USAGE.split('\n').slice(2).join('\n')}`;

/** The CLI: dispatches to a command and turns every error into one line and an exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(`${USAGE}\n`);
        return 0;
      case '-v':
      case '--version':
        io.stdout(`${VERSION}\n`);
        return 0;
      case 'scan':
        return await runScanCommand(rest, io);
      case 'workspace':
        return await runWorkspaceCommand(rest, io);
      case 'rules':
        io.stdout(renderRuleList());
        return 0;
      default:
        throw new ConfigurationError(
          `unknown command '${command}'. Use 'aml-ha-gate scan [PATH ...]' or 'aml-ha-gate workspace <ID>'; 'aml-ha-gate --help' lists them.`,
        );
    }
  } catch (error) {
    if (error instanceof ConfigurationError) {
      io.stderr(`aml-ha-gate: ${logLine(describeError(error))}\n`);
      return 2;
    }
    io.stderr(
      `aml-ha-gate: internal error: ${logLine(describeError(error))}. This is a bug: please report it with --debug output.\n`,
    );
    if (argv.includes('--debug') && error instanceof Error && error.stack)
      io.stderr(`${error.stack.split('\n').map(logLine).join('\n')}\n`);
    return 2;
  }
}

function renderRuleList(): string {
  const width = Math.max(...RULES.map((rule) => rule.id.length));
  return `${RULES.map((rule) => `${rule.id.padEnd(width)}  ${rule.title}`).join('\n')}\n`;
}
