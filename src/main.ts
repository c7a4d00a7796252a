import * as core from '@actions/core';
import { appendFile } from 'node:fs/promises';
import { readRunContext } from './action/context.js';
import { headline } from './action/deliver.js';
import { runAction } from './action/run.js';
import { parseSettings } from './action/settings.js';
import { ConfigurationError, describeError } from './errors.js';
import { createGitHubClient } from './github.js';
import type { Logger } from './model.js';
import { logLine } from './report/escape.js';
import { VERSION } from './version.js';

/**
 * Every message may carry repository text (file and resource names, parameter values, messages
 * built from them): `logLine` shows its control characters instead of obeying them and breaks
 * `::` / `##[`, so no message can become a workflow command (a forged annotation, add-mask,
 * stop-commands). @actions/core only escapes line breaks, and only in commands, not in info lines.
 */
const logger: Logger = {
  debug: (message) => core.debug(logLine(message)),
  info: (message) => core.info(logLine(message)),
  warning: (message) => core.warning(logLine(message)),
  error: (message) => core.error(logLine(message)),
};

/** The action: read settings, run, set outputs; the one place that fails the step. */
async function main(): Promise<void> {
  try {
    logger.info(`aml-ha-gate ${VERSION}`);
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
      core.setFailed(logLine(`AML HA gate ${headline(report)} (fail-on: ${settings.failOn}).`));
    else logger.info(`AML HA gate ${headline(report)}`);
  } catch (error) {
    if (!(error instanceof ConfigurationError) && error instanceof Error && error.stack)
      for (const line of error.stack.split('\n')) logger.debug(line);
    core.setFailed(logLine(describeError(error)));
  }
}

await main();
