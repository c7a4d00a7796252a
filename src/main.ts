import * as core from '@actions/core';
import { appendFile } from 'node:fs/promises';
import { readRunContext } from './action/context.js';
import { headline } from './action/deliver.js';
import { runAction } from './action/run.js';
import { parseSettings } from './action/settings.js';
import { ConfigurationError, describeError } from './errors.js';
import { createGitHubClient } from './github.js';
import type { Logger } from './model.js';
import { VERSION } from './version.js';

const logger: Logger = {
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  error: (message) => core.error(message),
};

/** The action: read settings, run, set outputs; the one place that fails the step. */
async function main(): Promise<void> {
  try {
    core.info(`aml-ha-gate ${VERSION}`);
    const env = process.env;
    const settings = parseSettings((name) => core.getInput(name), env, env.GITHUB_EVENT_NAME ?? '');
    if (settings.githubToken) core.setSecret(settings.githubToken);
    const context = readRunContext(env, process.cwd());
    const github = settings.githubToken
      ? createGitHubClient(settings.githubToken, { apiUrl: context.apiUrl, logger })
      : undefined;
    const { report, outputs } = await runAction(settings, context, {
      logger,
      github,
      now: new Date(),
      live: {
        logger,
        getIdToken: (audience) => core.getIDToken(audience),
        oidcAvailable: !!env.ACTIONS_ID_TOKEN_REQUEST_URL,
        setSecret: (secret) => core.setSecret(secret),
        env,
      },
      writeSummary: async (markdown) => {
        if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, markdown);
      },
    });
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
    // In publish mode the gate already ran and set its own job's status; this step only posts.
    if (report.verdict === 'fail' && settings.mode !== 'publish')
      core.setFailed(`AML HA gate ${headline(report)} (fail-on: ${settings.failOn}).`);
    else core.info(`AML HA gate ${headline(report)}`);
  } catch (error) {
    if (!(error instanceof ConfigurationError) && error instanceof Error && error.stack)
      core.debug(error.stack);
    core.setFailed(describeError(error));
  }
}

await main();
