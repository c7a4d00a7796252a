import { runCli } from './cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  isTty: process.stdout.isTTY === true,
  columns: process.stdout.columns,
  stderrIsTty: process.stderr.isTTY === true,
});
