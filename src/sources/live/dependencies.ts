import { howToSet, placeholderScopeOf, type DeploymentSettings } from '../../deployment-settings.js';
import { describeError } from '../../errors.js';
import { makeStandIn, outsideReferences, type Reference } from '../../graph.js';
import type { Resource } from '../../model.js';
import { ArmReader } from './arm-reader.js';
import { resolveCloudEndpoints } from './clouds.js';
import { crawlDependency, unreadable } from './crawler.js';
import { createCredential } from './credential.js';
import { idKey } from './resource-id.js';
import type { LiveDeps, LiveSettings } from './settings.js';

/** How to sign in to read a template's outside dependencies: live mode's settings without the workspaces. */
export type SignInSettings = Omit<LiveSettings, 'workspaces' | 'resourceGroup' | 'subscriptionId'>;

/**
 * Reads, through ARM, the resources the scanned templates name but do not declare (an AVM-style
 * template that receives its storage, key vault, registry or hub as ids), with the live reader of
 * workspace mode: the same credential, api-version table and crawler, so what the rules need of
 * them (replications, agent pools, a hub's own dependencies) comes along. Signs in on first use and
 * reads each id once per run, however many scans (head and base) ask for it.
 */
export class AzureDependencyReader {
  private session?: Promise<ArmReader | { error: string }>;
  private readonly crawled = new Map<string, Promise<Resource[]>>();

  constructor(
    private readonly settings: SignInSettings,
    private readonly deps: LiveDeps,
  ) {}

  /** ARM requests sent so far (0 before the first read). */
  requests = 0;

  /**
   * The resources behind `references` read from Azure (each marked with the template property that
   * names it), or, for one that cannot be read, a resource whose findings say why: its id is built
   * from a placeholder scope, sign-in failed, or ARM answered 403 / 404.
   */
  async read(references: Reference[], deployment: DeploymentSettings): Promise<Resource[]> {
    const out = new Map<string, Resource>();
    const add = (resource: Resource, reference: Reference) => {
      const key = idKey(resource.id);
      if (!out.has(key))
        out.set(key, { ...resource, dependencyOf: { resource: reference.from, path: reference.path } });
    };
    const readable = references.filter((reference) => {
      if (!reference.id) return false;
      const placeholders = placeholderScopeOf(reference.id, deployment);
      if (placeholders.length === 0) return true;
      // What the rule on the referrer reports itself when missing (an AKS cluster, a project's hub).
      if (!reference.standIn || reference.role === 'workspace') return false;
      const what = placeholders
        .map((name) => (name === 'subscriptionId' ? 'subscription' : 'resource group'))
        .join(' and ');
      add(
        makeStandIn(
          reference,
          deployment,
          ` It was not read from Azure: its id is built from the placeholder ${what}; ${placeholders.map(howToSet).join('; ')}.`,
        ),
        reference,
      );
      return false;
    });
    if (readable.length === 0) return [...out.values()];

    const session = await this.signIn();
    if (!(session instanceof ArmReader)) {
      for (const reference of readable) {
        add(unreadable(reference.id!, `could not sign in to Azure to read it: ${session.error}`), reference);
      }
      return [...out.values()];
    }
    const results = await Promise.all(readable.map((reference) => this.crawl(session, reference.id!)));
    readable.forEach((reference, index) => {
      for (const resource of results[index]!) add(resource, reference);
    });
    this.requests = session.requests;
    this.deps.logger.info(
      `read ${readable.length} dependenc${readable.length === 1 ? 'y' : 'ies'} of the templates from Azure (${session.requests} ARM requests so far)`,
    );
    return [...out.values()];
  }

  private crawl(reader: ArmReader, id: string): Promise<Resource[]> {
    const key = idKey(id);
    let pending = this.crawled.get(key);
    if (!pending) {
      pending = crawlDependency(reader, id, this.deps.logger);
      this.crawled.set(key, pending);
    }
    return pending;
  }

  /** Signs in once; a failure is kept (and warned about once) so every dependency says why it is unknown. */
  private signIn(): Promise<ArmReader | { error: string }> {
    this.session ??= (async () => {
      try {
        const endpoints = resolveCloudEndpoints(this.settings);
        const credential = createCredential({ ...this.settings, workspaces: [] }, this.deps, endpoints);
        await credential.getToken(`${endpoints.armEndpoint}/.default`);
        this.deps.logger.debug(`signed in (${credential.method}) to read the templates' dependencies`);
        return new ArmReader({
          credential,
          armEndpoint: endpoints.armEndpoint,
          logger: this.deps.logger,
          httpsAgent: this.deps.httpsAgent,
        });
      } catch (error) {
        const message = describeError(error);
        this.deps.logger.warning(
          `could not sign in to Azure to read the templates' dependencies: ${message} Their findings stay unknown.`,
        );
        return { error: message };
      }
    })();
    return this.session;
  }
}

/**
 * The resources a scan adds to the templates' own: what they name but do not declare, read from
 * Azure when a reader is given. Without one, nothing is added (the graph stands in for them, as
 * unknown) and `note` tells the reader of the report how they could be judged.
 */
export async function readOutsideDependencies(
  resources: Resource[],
  reader: AzureDependencyReader | undefined,
  deployment: DeploymentSettings,
  logger: LiveDeps['logger'],
): Promise<{ resources: Resource[]; note?: string }> {
  const references = outsideReferences(resources).filter((reference) => reference.standIn);
  if (references.length === 0) return { resources: [] };
  if (!reader) {
    const count = references.length;
    const note = `${count} dependenc${count === 1 ? 'y' : 'ies'} the templates name ${count === 1 ? 'is' : 'are'} not in the scanned templates, so ${count === 1 ? 'its' : 'their'} findings are unknown: scan the templates that create ${count === 1 ? 'it' : 'them'}, or let the gate read ${count === 1 ? 'it' : 'them'} from Azure (action: client-id and tenant-id with id-token: write; CLI: --read-azure).`;
    logger.debug(note);
    return { resources: [], note };
  }
  return { resources: await reader.read(outsideReferences(resources), deployment) };
}
