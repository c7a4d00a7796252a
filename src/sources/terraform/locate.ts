import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { SourceLocation } from '../../model.js';
import { MAX_TEMPLATE_FILE_BYTES, readRegularFile } from '../../file-access.js';
import { displayPath } from '../discover.js';
import { scanHclBlocks, type HclBlock } from './hcl-blocks.js';
import type { ConfigIndex, ParsedAddress } from './references.js';

/** Where a resource block was found, or why it was not. */
export type BlockPlace = { file: string; block: HclBlock } | { missing: string };

/**
 * Finds each resource's block in the `.tf` files of the module that declared it: the root module
 * is the folder of the plan file (write the plan JSON there), a child module's folder comes from
 * its local `source` (`./modules/ws`, relative to the calling module) or, for registry and git
 * sources, from `.terraform/modules/modules.json` that `terraform init` writes in the root.
 */
export class TerraformLocator {
  private readonly blocksByDir = new Map<string, Map<string, { file: string; block: HclBlock }>>();
  private modulesJson: Map<string, string> | undefined;
  private readonly dirs = new Map<string, string | { missing: string }>();
  private readonly missing = new Map<string, { missing: string }>();

  constructor(
    private readonly rootDir: string,
    private readonly config: ConfigIndex,
    private readonly cwd: string,
  ) {}

  place(parsed: ParsedAddress): BlockPlace {
    const pathKey = parsed.modulePath.join('.');
    let dir = this.dirs.get(pathKey);
    if (dir === undefined) {
      dir = this.moduleDir(parsed.modulePath);
      this.dirs.set(pathKey, dir);
    }
    if (typeof dir !== 'string') return dir;
    const key = `${parsed.mode}.${parsed.type}.${parsed.name}`;
    const blocks = this.blocks(dir);
    const found = blocks.get(key);
    if (found) return found;
    let missing = this.missing.get(dir);
    if (!missing) {
      const shown = displayPath(dir, this.cwd);
      missing = {
        missing:
          blocks.size === 0
            ? `${shown} holds no .tf file with resource blocks (write the plan JSON into the root module's folder, or keep the .tf files beside it)`
            : `their resource blocks are not in the .tf files of ${shown}`,
      };
      this.missing.set(dir, missing);
    }
    return missing;
  }

  /** The line of a Terraform attribute path in a block, else of its nearest enclosing path, else the block's. */
  static lineOf(place: { file: string; block: HclBlock }, tfPath: string | undefined): SourceLocation {
    let current = tfPath ?? '';
    while (current) {
      const line = place.block.paths.get(current);
      if (line !== undefined) return { file: place.file, line };
      const cut = current.lastIndexOf('.');
      current = cut > 0 ? current.slice(0, cut) : '';
    }
    return { file: place.file, line: place.block.line };
  }

  private moduleDir(modulePath: readonly string[]): string | { missing: string } {
    let dir = this.rootDir;
    const sources = this.config.sources(modulePath);
    for (let i = 0; i < modulePath.length; i++) {
      const source = sources[i];
      if (source && (source.startsWith('./') || source.startsWith('../'))) {
        dir = path.resolve(dir, source);
        continue;
      }
      const key = modulePath.slice(0, i + 1).join('.');
      const installed = this.installedModules().get(key);
      if (installed === undefined) {
        return {
          missing: `module.${modulePath.slice(0, i + 1).join('.module.')} comes from ${source ?? 'an unknown source'}, not a local folder, and .terraform/modules/modules.json beside the plan does not list it (run terraform init there)`,
        };
      }
      dir = path.resolve(this.rootDir, installed);
    }
    return dir;
  }

  /** `Key` → `Dir` of the modules `terraform init` installed (registry, git, …). */
  private installedModules(): Map<string, string> {
    if (!this.modulesJson) {
      this.modulesJson = new Map();
      try {
        const manifest = JSON.parse(
          readRegularFile(path.join(this.rootDir, '.terraform', 'modules', 'modules.json'), {
            maxBytes: MAX_TEMPLATE_FILE_BYTES,
          }),
        ) as { Modules?: { Key?: string; Dir?: string }[] };
        for (const entry of manifest.Modules ?? []) {
          if (typeof entry.Key === 'string' && typeof entry.Dir === 'string')
            this.modulesJson.set(entry.Key, entry.Dir);
        }
      } catch {
        // No manifest: only local module sources can be placed.
      }
    }
    return this.modulesJson;
  }

  private blocks(dir: string): Map<string, { file: string; block: HclBlock }> {
    let blocks = this.blocksByDir.get(dir);
    if (blocks) return blocks;
    blocks = new Map();
    this.blocksByDir.set(dir, blocks);
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((name) => name.endsWith('.tf'))
        .sort();
    } catch {
      return blocks;
    }
    for (const name of names) {
      const absolute = path.join(dir, name);
      let text: string;
      try {
        // Only to find lines: a .tf that is not a regular file within the template limit (a FIFO,
        // a link to /dev/zero) is passed over, never waited on or read whole.
        text = readRegularFile(absolute, { file: absolute, maxBytes: MAX_TEMPLATE_FILE_BYTES });
      } catch {
        continue;
      }
      const file = displayPath(absolute, this.cwd);
      for (const block of scanHclBlocks(text)) {
        const key = `${block.mode}.${block.type}.${block.name}`;
        if (!blocks.has(key)) blocks.set(key, { file, block });
      }
    }
    return blocks;
  }
}
