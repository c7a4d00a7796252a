/**
 * Reading the Bicep compiler's output into file errors. The inputs are what Bicep CLI 0.49.2
 * printed here for the same situations (restore failures offline, a module with an error, a
 * template spec without sign-in), so these run without the CLI; bicep-real.test.ts checks the same
 * paths against the real compiler.
 */
import { describe, expect, test } from '@jest/globals';
import { bicepCompileErrors, parseBicepDiagnostics } from '../../src/sources/bicep-diagnostics.js';

const root = { path: 'infra/main.bicep', absolutePath: '/repo/infra/main.bicep' };
const compile = (output: string, code: number | null = 1) =>
  bicepCompileErrors(output, root, '/repo', '/usr/bin/bicep', code);

describe('Bicep diagnostics', () => {
  test('a message wrapped onto further lines stays one diagnostic', () => {
    const output = [
      '/repo/infra/main.bicep(16,13) : Error BCP192: Unable to restore the artifact with reference "ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0": The ChainedTokenCredential failed to retrieve a token from the included credentials.',
      '- Azure CLI not installed',
      '- PowerShell is not installed. [https://aka.ms/bicep/core-diagnostics#BCP192]',
      '/repo/infra/main.bicep(4,7) : Warning no-unused-params: Parameter "x" is declared but never used. [https://aka.ms/bicep/linter-diagnostics#no-unused-params]',
    ].join('\n');
    expect(parseBicepDiagnostics(output)).toEqual([
      {
        file: '/repo/infra/main.bicep',
        line: 16,
        level: 'Error',
        code: 'BCP192',
        message:
          'Unable to restore the artifact with reference "ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0": The ChainedTokenCredential failed to retrieve a token from the included credentials. - Azure CLI not installed - PowerShell is not installed. [https://aka.ms/bicep/core-diagnostics#BCP192]',
      },
      {
        file: '/repo/infra/main.bicep',
        line: 4,
        level: 'Warning',
        code: 'no-unused-params',
        message:
          'Parameter "x" is declared but never used. [https://aka.ms/bicep/linter-diagnostics#no-unused-params]',
      },
    ]);
  });

  test('each module that cannot be restored is one error on its line, saying what to do', () => {
    const retry =
      'Retry failed after 4 tries. Retry settings can be adjusted in ClientOptions.Retry or by configuring a custom retry policy in ClientOptions.RetryPolicy.';
    const refused = ' (Name or service not known (mcr.microsoft.com:443))'.repeat(4);
    const output = [
      `/repo/infra/main.bicep(3,11) : Error BCP192: Unable to restore the artifact with reference "br:mcr.microsoft.com/bicep/avm/res/machine-learning-services/workspace:0.10.0": ${retry}${refused} [https://aka.ms/bicep/core-diagnostics#BCP192]`,
      '/repo/infra/main.bicep(20,5) : Error BCP062: The referenced declaration with name "ws" is not valid. [https://aka.ms/bicep/core-diagnostics#BCP062]',
      '/repo/infra/main.bicep(16,13) : Error BCP192: Unable to restore the artifact with reference "ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0": The ChainedTokenCredential failed to retrieve a token from the included credentials.',
      '- Azure CLI not installed [https://aka.ms/bicep/core-diagnostics#BCP192]',
    ].join('\n');
    expect(compile(output)).toEqual([
      {
        file: 'infra/main.bicep',
        line: 3,
        message:
          'module br:mcr.microsoft.com/bicep/avm/res/machine-learning-services/workspace:0.10.0 cannot be restored (Name or service not known (mcr.microsoft.com:443)), so this file was not scanned: the Bicep CLI downloads registry modules when it compiles: run the scan where the registry is reachable, restore the modules beforehand (bicep restore), or scan the compiled ARM JSON (bicep build) instead; for a private registry, allow the compiler the Azure sign-in of the job with bicep-registry-sign-in: true (CLI: --bicep-registry-sign-in) where the templates are trusted',
      },
      {
        file: 'infra/main.bicep',
        line: 16,
        message:
          'module ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0 cannot be restored (The ChainedTokenCredential failed to retrieve a token from the included credentials.), so this file was not scanned: the Bicep CLI reads template specs from Azure when it compiles, signed in: allow it the Azure sign-in of the job with bicep-registry-sign-in: true (CLI: --bicep-registry-sign-in, after az login) where the templates are trusted, or scan the compiled ARM JSON (bicep build) instead',
      },
    ]);
  });

  test('a module\'s error is shown in the module, not as "the referenced module has errors"', () => {
    const output = [
      '/repo/infra/main.bicep(67,20) : Error BCP104: The referenced module has errors. [https://aka.ms/bicep/core-diagnostics#BCP104]',
      "/repo/infra/modules/code.bicep(58,32) : Error BCP091: An error occurred reading file. Could not find a part of the path '/repo/infra/scripts/main.py'. [https://aka.ms/bicep/core-diagnostics#BCP091]",
      '/repo/infra/modules/code.bicep(60,3) : Error BCP057: The name "x" does not exist in the current context. [https://aka.ms/bicep/core-diagnostics#BCP057]',
    ].join('\n');
    expect(compile(output)).toEqual([
      {
        file: 'infra/modules/code.bicep',
        line: 58,
        message:
          "Bicep compile error BCP091: An error occurred reading file. Could not find a part of the path '/repo/infra/scripts/main.py'. (used by infra/main.bicep) (and 1 more error) [https://aka.ms/bicep/core-diagnostics#BCP091]",
      },
    ]);
  });

  test('a crash without diagnostics is its first line, not a stack trace', () => {
    const output = [
      'Unhandled exception. System.IO.IOException: No space left on device',
      '   at System.IO.RandomAccess.WriteAtOffset(SafeFileHandle handle, ReadOnlySpan`1 buffer, Int64 fileOffset)',
      '   at Bicep.Cli.Program.Main(String[] args)',
    ].join('\n');
    expect(compile(output, 134)).toEqual([
      {
        file: 'infra/main.bicep',
        message: '/usr/bin/bicep failed: Unhandled exception. System.IO.IOException: No space left on device',
      },
    ]);
    expect(compile('', 3)).toEqual([
      { file: 'infra/main.bicep', message: '/usr/bin/bicep failed with exit code 3 and no message' },
    ]);
  });
});
