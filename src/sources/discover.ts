import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../errors.js';

/** A file the scan will read, as reports show it. */
export interface DiscoveredFile {
  /** Relative to the working directory, forward slashes: what reports show. */
  path: string;
  absolutePath: string;
  kind: 'template' | 'parameters' | 'bicep' | 'bicepparam' | 'terraform-plan';
  /**
   * The file's text when discovery already read it whole (JSON files up to `KEEP_TEXT_BYTES`), so
   * the loader does not read it a second time. The loader drops it once parsed.
   */
  text?: string;
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'dist']);
const SNIFF_BYTES = 4096;
/** JSON files up to this size are read whole while sniffing; larger ones only their head. */
const KEEP_TEXT_BYTES = 8 * 1024 * 1024;

/** Path shown to users: relative to `cwd` with forward slashes (absolute when outside it). */
export function displayPath(absolutePath: string, cwd: string): string {
  const relative = path.relative(cwd, absolutePath);
  const shown =
    relative === '' ? path.basename(absolutePath) : relative.startsWith('..') ? absolutePath : relative;
  return shown.split(path.sep).join('/');
}

/**
 * What kind of JSON file this is, from its `$schema` near the top: a deployment template, a
 * deployment parameters file, or neither (package.json, tsconfig.json, … are skipped).
 */
export function classifyJsonHead(head: string): 'template' | 'parameters' | 'terraform-plan' | undefined {
  const match = /"\$schema"\s*:\s*"([^"]*)"/i.exec(head);
  if (!match) return isTerraformJson(head) ? 'terraform-plan' : undefined;
  const schema = match[1].toLowerCase();
  if (/deploymentparameters\.json/.test(schema)) return 'parameters';
  if (/deploymenttemplate\.json/.test(schema)) return 'template';
  return undefined;
}

/**
 * The JSON `terraform show -json` writes starts with `format_version` and `terraform_version`
 * (a plan, or a state the plan reader then refuses with a clear message); a raw state file
 * (`terraform.tfstate`) has `terraform_version` and `lineage`.
 */
function isTerraformJson(head: string): boolean {
  if (!/"terraform_version"\s*:/.test(head)) return false;
  return /"format_version"\s*:/.test(head) || /"lineage"\s*:/.test(head);
}

interface Sniffed {
  kind: 'template' | 'parameters' | 'terraform-plan';
  text?: string;
}

function sniffJson(absolutePath: string): Sniffed | undefined {
  // Synchronous on purpose: thousands of small reads are much faster without the thread pool
  // round trip. One open per file: a template is read whole here and never again.
  const fd = openSync(absolutePath, 'r');
  try {
    const size = fstatSync(fd).size;
    const whole = size <= KEEP_TEXT_BYTES;
    const buffer = Buffer.allocUnsafe(whole ? size : SNIFF_BYTES);
    let bytesRead = 0;
    while (bytesRead < buffer.length) {
      const n = readSync(fd, buffer, bytesRead, buffer.length - bytesRead, bytesRead);
      if (n === 0) break;
      bytesRead += n;
    }
    const utf16 = buffer[0] === 0xff && buffer[1] === 0xfe;
    const head = utf16
      ? buffer.toString('utf16le', 2, Math.min(bytesRead, SNIFF_BYTES * 2))
      : buffer.toString('utf8', 0, Math.min(bytesRead, SNIFF_BYTES));
    const kind = classifyJsonHead(head);
    if (!kind) return undefined;
    // Plans are read (and decoded) by the plan reader itself.
    if (kind === 'terraform-plan' || utf16) return { kind };
    return whole ? { kind, text: buffer.toString('utf8', 0, bytesRead) } : { kind };
  } finally {
    closeSync(fd);
  }
}

function classify(
  absolutePath: string,
  explicit: boolean,
): Sniffed | { kind: 'bicep' | 'bicepparam' } | undefined {
  const lower = absolutePath.toLowerCase();
  if (lower.endsWith('.bicep')) return { kind: 'bicep' };
  if (lower.endsWith('.bicepparam')) return { kind: 'bicepparam' };
  if (lower.endsWith('.json') || lower.endsWith('.jsonc') || explicit) {
    try {
      return sniffJson(absolutePath);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Finds the ARM templates, parameters files, `.bicep` and `.bicepparam` files under the given
 * files or directories, in a stable order. A path that does not exist is a `ConfigurationError`.
 */
export async function discoverTemplates(paths: string[], cwd: string): Promise<DiscoveredFile[]> {
  const found = new Map<string, DiscoveredFile>();
  const add = (absolutePath: string, sniffed: { kind: DiscoveredFile['kind']; text?: string }): void => {
    if (found.has(absolutePath)) return;
    const file: DiscoveredFile = { path: displayPath(absolutePath, cwd), absolutePath, kind: sniffed.kind };
    if (sniffed.text !== undefined) file.text = sniffed.text;
    found.set(absolutePath, file);
  };

  const walk = (directory: string): void => {
    const children = readdirSync(directory, { withFileTypes: true });
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      const absolutePath = path.join(directory, child.name);
      if (child.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(child.name)) walk(absolutePath);
      } else if (child.isFile()) {
        const sniffed = classify(absolutePath, false);
        if (sniffed) add(absolutePath, sniffed);
      }
    }
  };

  for (const given of paths) {
    const absolutePath = path.resolve(cwd, given);
    let info;
    try {
      info = statSync(absolutePath);
    } catch {
      throw new ConfigurationError(
        `path not found: ${given}. Pass a template file or a folder that holds templates.`,
      );
    }
    if (info.isDirectory()) walk(absolutePath);
    else {
      const sniffed = classify(absolutePath, true);
      if (sniffed) add(absolutePath, sniffed);
    }
  }
  return [...found.values()];
}
