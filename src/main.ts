import * as core from '@actions/core';
import { VERSION } from './version.js';

core.info(`aml-ha-gate ${VERSION}`);
