import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** How to run the Bicep CLI: the `bicep` binary, or `az bicep`. */
export interface BicepCli {
  command: string;
  /** Arguments for `build` / `build-params` of one file, printing to stdout. */
  build(file: string): string[];
  buildParams(file: string): string[];
  /** What error messages call it. */
  describe: string;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of dirs) {
    for (const candidate of names) {
      const full = path.join(dir, candidate);
      try {
        accessSync(full, constants.X_OK);
        return full;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The Bicep CLI to use: an explicit command, `bicep` on PATH, else `az bicep`. */
export function findBicepCli(options: { command?: string; env?: NodeJS.ProcessEnv }): BicepCli | undefined {
  const env = options.env ?? process.env;
  const bicep = (command: string): BicepCli => ({
    command,
    build: (file) => ['build', '--stdout', file],
    buildParams: (file) => ['build-params', '--stdout', file],
    describe: command,
  });
  const az = (command: string): BicepCli => ({
    command,
    build: (file) => ['bicep', 'build', '--stdout', '--file', file],
    buildParams: (file) => ['bicep', 'build-params', '--stdout', '--file', file],
    describe: 'az bicep',
  });
  if (options.command) {
    const base = path
      .basename(options.command)
      .toLowerCase()
      .replace(/\.(exe|cmd)$/, '');
    const resolved =
      options.command.includes('/') || options.command.includes('\\')
        ? options.command
        : onPath(options.command, env);
    if (!resolved) return undefined;
    return base === 'az' ? az(resolved) : bicep(resolved);
  }
  const direct = onPath('bicep', env);
  if (direct) return bicep(direct);
  const azCli = onPath('az', env);
  return azCli ? az(azCli) : undefined;
}

/** Variables the compiler may need: where things are, locale, proxies and certificates. */
const KEPT_NAMES = new Set(
  [
    'PATH',
    'PATHEXT',
    'HOME',
    'USERPROFILE',
    'HOMEDRIVE',
    'HOMEPATH',
    'TMPDIR',
    'TMP',
    'TEMP',
    'LANG',
    'LANGUAGE',
    'TZ',
    'SYSTEMROOT',
    'SYSTEMDRIVE',
    'WINDIR',
    'COMSPEC',
    'APPDATA',
    'LOCALAPPDATA',
    'PROGRAMDATA',
    'PROGRAMFILES',
    'PROGRAMFILES(X86)',
    'PROGRAMW6432',
    'COMMONPROGRAMFILES',
    'XDG_CONFIG_HOME',
    'XDG_CACHE_HOME',
    'XDG_DATA_HOME',
    'XDG_RUNTIME_DIR',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'NO_PROXY',
    'ALL_PROXY',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    'REQUESTS_CA_BUNDLE',
    'AZURE_CONFIG_DIR',
    'AZURE_EXTENSION_DIR',
  ].map((name) => name.toLowerCase()),
);
/** Settings of .NET (Bicep is a .NET program), Bicep itself and the Azure CLI's config. */
const KEPT_PREFIXES = ['lc_', 'dotnet_', 'bicep_', 'azure_core_', 'azure_bicep_'];

/**
 * The environment the compiler runs with: only what it needs to start, find its caches and reach
 * a registry. A `.bicepparam` can read any environment variable into a parameter
 * (`readEnvironmentVariable()`), and parameter values end up in findings posted on the pull
 * request, so the runner's tokens (`ACTIONS_ID_TOKEN_REQUEST_TOKEN`, `ACTIONS_RUNTIME_TOKEN`,
 * `GITHUB_TOKEN`, `AZURE_CLIENT_SECRET`, …) and everything else is left out.
 */
export function compilerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (KEPT_NAMES.has(lower) || KEPT_PREFIXES.some((prefix) => lower.startsWith(prefix))) kept[name] = value;
  }
  return kept;
}
