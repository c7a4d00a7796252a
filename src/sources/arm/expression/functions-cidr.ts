/**
 * IP address functions: parseCidr, cidrSubnet, cidrHost (IPv4). IPv6 ranges give an unknown with
 * that reason rather than a wrong address.
 */
import { UnknownValue, type Value } from '../../../model.js';
import { fail, int, str, type CallContext, type FunctionTable } from './function-types.js';

interface Range {
  network: number;
  prefix: number;
}

function parseRange(ctx: CallContext, text: string): Range | UnknownValue {
  if (text.includes(':')) return new UnknownValue(`${ctx.text}: IPv6 ranges are not evaluated by this tool`);
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match)
    return fail(ctx, `was given '${text}', which is not an IPv4 range in CIDR notation such as 10.0.0.0/16`);
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32)
    return fail(ctx, `was given '${text}', which is not a valid IPv4 CIDR range`);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { network: address - (address % 2 ** (32 - prefix)), prefix };
}

function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export const CIDR_FUNCTIONS: FunctionTable = {
  parsecidr: {
    min: 1,
    max: 1,
    call: (args, ctx): Value => {
      const range = parseRange(ctx, str(ctx, args, 0));
      if (range instanceof UnknownValue) return range;
      const size = 2 ** (32 - range.prefix);
      const broadcast = range.network + size - 1;
      return {
        network: toAddress(range.network),
        netmask: toAddress(2 ** 32 - size),
        broadcast: toAddress(broadcast),
        firstUsable: toAddress(range.prefix >= 31 ? range.network : range.network + 1),
        lastUsable: toAddress(range.prefix >= 31 ? broadcast : broadcast - 1),
        cidr: range.prefix,
      };
    },
  },
  cidrsubnet: {
    min: 3,
    max: 3,
    call: (args, ctx): Value => {
      const range = parseRange(ctx, str(ctx, args, 0));
      if (range instanceof UnknownValue) return range;
      const newPrefix = int(ctx, args, 1);
      const index = int(ctx, args, 2);
      if (newPrefix < range.prefix || newPrefix > 32) {
        fail(ctx, `needs a new prefix between ${range.prefix} and 32, not ${newPrefix}`);
      }
      const count = 2 ** (newPrefix - range.prefix);
      if (index < 0 || index >= count)
        fail(
          ctx,
          `subnet index ${index} is out of range: /${range.prefix} holds ${count} /${newPrefix} subnets`,
        );
      return `${toAddress(range.network + index * 2 ** (32 - newPrefix))}/${newPrefix}`;
    },
  },
  cidrhost: {
    min: 2,
    max: 2,
    call: (args, ctx): Value => {
      const range = parseRange(ctx, str(ctx, args, 0));
      if (range instanceof UnknownValue) return range;
      const index = int(ctx, args, 1);
      const size = 2 ** (32 - range.prefix);
      const usable = range.prefix >= 31 ? size : size - 2;
      if (index < 0 || index >= usable)
        fail(ctx, `host index ${index} is out of range: the range has ${usable} usable address(es)`);
      return toAddress(range.network + (range.prefix >= 31 ? 0 : 1) + index);
    },
  },
};
