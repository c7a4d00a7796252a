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

/** `bicep` in the Azure CLI's configuration folder (`$AZURE_CONFIG_DIR/bin`, else `~/.azure/bin`), when there. */
function azureCliBicep(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.HOME ?? env.USERPROFILE;
  const configDir = env.AZURE_CONFIG_DIR ?? (home ? path.join(home, '.azure') : undefined);
  if (!configDir) return undefined;
  return onPath('bicep', { PATH: path.join(configDir, 'bin') });
}

/** The Bicep CLI to use: an explicit command, `bicep` on PATH, the one `az bicep install` installed, else `az bicep`. */
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
  // The binary `az bicep install` put in the Azure CLI's folder: run it directly (no Python start
  // per file, and it needs none of the Azure CLI's signed-in configuration).
  const installedByAz = azureCliBicep(env);
  if (installedByAz) return bicep(installedByAz);
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
export function compilerEnvironment(
  env: NodeJS.ProcessEnv,
  signIn: RegistrySignIn = { allowed: true },
): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (KEPT_NAMES.has(lower) || KEPT_PREFIXES.some((prefix) => lower.startsWith(prefix))) kept[name] = value;
  }
  if (signIn.allowed) return kept;
  // No sign-in: the compiler's home and Azure CLI folder are an empty folder of its own, so none of
  // its credentials (Azure CLI, Azure PowerShell, VS Code) finds a session to sign in to a registry with.
  const home = kept.HOME ?? kept.USERPROFILE;
  for (const name of Object.keys(kept)) {
    if (
      [
        'home',
        'userprofile',
        'homedrive',
        'homepath',
        'azure_config_dir',
        'appdata',
        'localappdata',
      ].includes(name.toLowerCase())
    )
      delete kept[name];
  }
  kept.HOME = signIn.home;
  if (process.platform === 'win32') kept.USERPROFILE = signIn.home;
  kept.AZURE_CONFIG_DIR = path.join(signIn.home, '.azure');
  // Where .NET unpacks the single-file compiler: the usual place, so it is not unpacked on every run.
  if (home && !Object.keys(kept).some((name) => name.toLowerCase() === 'dotnet_bundle_extract_base_dir'))
    kept.DOTNET_BUNDLE_EXTRACT_BASE_DIR = path.join(home, '.net');
  return kept;
}

/**
 * Whether the compiler may use the runner's Azure sign-in to restore modules from a registry.
 * Restoring `br:host/…` signs in to `host` with an Azure token when the registry asks for one: a
 * pull request that names a registry of its own would receive the token of whoever ran `az login`
 * or `azure/login` before the scan. Off unless the user allows it; `home` is then the empty folder
 * the compiler gets as its home.
 */
export type RegistrySignIn = { allowed: true } | { allowed: false; home: string };
