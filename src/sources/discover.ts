import { closeSync, openSync, readSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigurationError } from '../errors.js';

/** A file the scan will read, as reports show it. */
export interface DiscoveredFile {
  /** Relative to the working directory, forward slashes: what reports show. */
  path: string;
  absolutePath: string;
  kind: 'template' | 'parameters' | 'bicep' | 'bicepparam';
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'dist']);
const SNIFF_BYTES = 4096;

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
export function classifyJsonHead(head: string): 'template' | 'parameters' | undefined {
  const match = /"\$schema"\s*:\s*"([^"]*)"/i.exec(head);
  if (!match) return undefined;
  const schema = match[1].toLowerCase();
  if (/deploymentparameters\.json/.test(schema)) return 'parameters';
  if (/deploymenttemplate\.json/.test(schema)) return 'template';
  return undefined;
}

function sniffJson(absolutePath: string): 'template' | 'parameters' | undefined {
  // Synchronous on purpose: thousands of tiny reads are much faster without the thread pool round trip.
  const fd = openSync(absolutePath, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const bytesRead = readSync(fd, buffer, 0, SNIFF_BYTES, 0);
    return classifyJsonHead(buffer.toString('utf8', 0, bytesRead));
  } finally {
    closeSync(fd);
  }
}

async function classify(
  absolutePath: string,
  explicit: boolean,
): Promise<DiscoveredFile['kind'] | undefined> {
  const lower = absolutePath.toLowerCase();
  if (lower.endsWith('.bicep')) return 'bicep';
  if (lower.endsWith('.bicepparam')) return 'bicepparam';
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
  const add = (absolutePath: string, kind: DiscoveredFile['kind']): void => {
    if (!found.has(absolutePath))
      found.set(absolutePath, { path: displayPath(absolutePath, cwd), absolutePath, kind });
  };

  const walk = async (directory: string): Promise<void> => {
    const children = await readdir(directory, { withFileTypes: true });
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      const absolutePath = path.join(directory, child.name);
      if (child.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(child.name)) await walk(absolutePath);
      } else if (child.isFile()) {
        const kind = await classify(absolutePath, false);
        if (kind) add(absolutePath, kind);
      }
    }
  };

  for (const given of paths) {
    const absolutePath = path.resolve(cwd, given);
    let info;
    try {
      info = await stat(absolutePath);
    } catch {
      throw new ConfigurationError(
        `path not found: ${given}. Pass a template file or a folder that holds templates.`,
      );
    }
    if (info.isDirectory()) await walk(absolutePath);
    else {
      const kind = await classify(absolutePath, true);
      if (kind) add(absolutePath, kind);
    }
  }
  return [...found.values()];
}
