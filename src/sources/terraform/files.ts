import { statSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../../errors.js';
import { discoverTemplates, displayPath, type DiscoveredFile } from '../discover.js';

/**
 * The plan JSON files the action's `terraform-plan` input names (files, or folders walked for
 * them). A missing path, or a named file that is not the JSON of a Terraform plan, is a
 * `ConfigurationError`: the plan is written by an earlier step, so its absence is a pipeline bug.
 */
export async function discoverPlanFiles(paths: string[], cwd: string): Promise<DiscoveredFile[]> {
  for (const given of paths) {
    try {
      statSync(path.resolve(cwd, given));
    } catch {
      throw new ConfigurationError(
        `terraform-plan: ${given} not found. Write the plan JSON in an earlier step (terraform plan -out tfplan, then terraform show -json tfplan > ${given}), or fix the path.`,
      );
    }
  }
  const files = await discoverTemplates(paths, cwd);
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    if (statSync(absolute).isDirectory()) continue;
    const file = files.find((candidate) => candidate.absolutePath === absolute);
    if (file?.kind !== 'terraform-plan') {
      throw new ConfigurationError(
        `terraform-plan: ${displayPath(absolute, cwd)} is not the JSON of a Terraform plan (it has no format_version and terraform_version). Write it with terraform show -json tfplan.`,
      );
    }
  }
  return files.filter((file) => file.kind === 'terraform-plan');
}
