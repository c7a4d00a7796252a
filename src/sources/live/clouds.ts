import { ConfigurationError } from '../../errors.js';
import type { CloudName, LiveSettings } from './settings.js';

/** Where to sign in and where ARM is, for one cloud. */
export interface CloudEndpoints {
  /** ARM, without a trailing slash: `https://management.azure.com`. Token scope is `${armEndpoint}/.default`. */
  armEndpoint: string;
  /** Entra ID authority host: `https://login.microsoftonline.com`. */
  authorityHost: string;
  /** True when the authority host is not a public cloud's (Azure Stack, tests): instance discovery must be off. */
  customAuthority: boolean;
}

const CLOUDS: Record<CloudName, { armEndpoint: string; authorityHost: string }> = {
  AzureCloud: {
    armEndpoint: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
  },
  AzureUSGovernment: {
    armEndpoint: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
  },
  AzureChinaCloud: {
    armEndpoint: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
  },
};

/**
 * The endpoints for the chosen cloud, with `arm-endpoint` / `authority-host` overriding them
 * (other clouds, Azure Stack). Both must be https URLs: Entra ID and ARM refuse anything else.
 */
export function resolveCloudEndpoints(
  settings: Pick<LiveSettings, 'cloud' | 'armEndpoint' | 'authorityHost'>,
): CloudEndpoints {
  const cloud = CLOUDS[settings.cloud];
  if (!cloud) {
    throw new ConfigurationError(
      `invalid cloud '${settings.cloud}': expected one of ${Object.keys(CLOUDS).join(', ')}, or set arm-endpoint and authority-host.`,
    );
  }
  const armEndpoint = normalizeUrl('arm-endpoint', settings.armEndpoint) ?? cloud.armEndpoint;
  const authorityHost = normalizeUrl('authority-host', settings.authorityHost) ?? cloud.authorityHost;
  const known = Object.values(CLOUDS).some((entry) => entry.authorityHost === authorityHost);
  return { armEndpoint, authorityHost, customAuthority: !known };
}

function normalizeUrl(input: string, value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigurationError(
      `invalid ${input} '${value}': expected an https URL such as https://management.azure.com.`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new ConfigurationError(
      `invalid ${input} '${value}': Azure requires https; write https://${url.host}${url.pathname}.`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}
