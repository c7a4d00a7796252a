/**
 * Date helpers for dateTimeAdd / dateTimeToEpoch / dateTimeFromEpoch: ISO 8601 durations and the
 * .NET date format strings ARM accepts (standard `u`, `s`, `o` and custom `yyyy-MM-dd HH:mm`).
 */
export class DateFailure extends Error {}

/** Parses an ARM date-time string (ISO 8601, UTC assumed when no zone is given). */
export function parseDate(text: string): Date {
  const trimmed = text.trim();
  const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(trimmed);
  if (!iso)
    throw new DateFailure(
      `'${text}' is not a date-time in ISO 8601 format (for example 2024-01-31T12:00:00Z)`,
    );
  const normalized = trimmed.replace(' ', 'T') + (iso[4] ? '' : iso[1] ? 'Z' : 'T00:00:00Z');
  const date = new Date(normalized);
  if (Number.isNaN(date.getTime())) throw new DateFailure(`'${text}' is not a valid date-time`);
  return date;
}

/** Adds an ISO 8601 duration (`P1Y2M3DT4H5M6S`, `-P1D`, `PT1H`, `P2W`) to a date, in UTC. */
export function addDuration(date: Date, duration: string): Date {
  const match =
    /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      duration.trim(),
    );
  if (!match || /^-?P$/i.test(duration.trim()) || /T$/i.test(duration.trim())) {
    throw new DateFailure(`'${duration}' is not an ISO 8601 duration (for example P1D, PT1H, P1Y2M)`);
  }
  const sign = match[1] ? -1 : 1;
  const n = (i: number) => Number(match[i] ?? 0) * sign;
  const result = new Date(date.getTime());
  result.setUTCFullYear(result.getUTCFullYear() + n(2), result.getUTCMonth() + n(3));
  result.setUTCDate(result.getUTCDate() + n(4) * 7 + n(5));
  result.setTime(result.getTime() + ((n(6) * 60 + n(7)) * 60 + n(8)) * 1000);
  return result;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Renders a date with a .NET format string (UTC). */
export function formatDate(date: Date, format: string | undefined): string {
  const spec = format ?? 'yyyy-MM-ddTHH:mm:ssZ';
  const standard: Record<string, string> = {
    u: "yyyy-MM-dd HH:mm:ss'Z'",
    s: 'yyyy-MM-ddTHH:mm:ss',
    o: 'yyyy-MM-ddTHH:mm:ss.fffffffZ',
    O: 'yyyy-MM-ddTHH:mm:ss.fffffffZ',
    d: 'M/d/yyyy',
    D: 'dddd, MMMM d, yyyy',
  };
  const pattern = standard[spec] ?? spec;
  const tokens =
    /yyyy|yy|MMMM|MMM|MM|M|dddd|dd|d|HH|H|hh|h|mm|m|ss|s|fffffff|ffffff|fffff|ffff|fff|ff|f|tt|'[^']*'|"[^"]*"|\\.|Z|K|./gs;
  const months = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const ms = date.getUTCMilliseconds();
  return pattern.replace(tokens, (token) => {
    const hours = date.getUTCHours();
    switch (token) {
      case 'yyyy':
        return pad(date.getUTCFullYear(), 4);
      case 'yy':
        return pad(date.getUTCFullYear() % 100, 2);
      case 'MMMM':
        return months[date.getUTCMonth()];
      case 'MMM':
        return months[date.getUTCMonth()].slice(0, 3);
      case 'MM':
        return pad(date.getUTCMonth() + 1, 2);
      case 'M':
        return String(date.getUTCMonth() + 1);
      case 'dddd':
        return days[date.getUTCDay()];
      case 'dd':
        return pad(date.getUTCDate(), 2);
      case 'd':
        return String(date.getUTCDate());
      case 'HH':
        return pad(hours, 2);
      case 'H':
        return String(hours);
      case 'hh':
        return pad(hours % 12 || 12, 2);
      case 'h':
        return String(hours % 12 || 12);
      case 'mm':
        return pad(date.getUTCMinutes(), 2);
      case 'm':
        return String(date.getUTCMinutes());
      case 'ss':
        return pad(date.getUTCSeconds(), 2);
      case 's':
        return String(date.getUTCSeconds());
      case 'tt':
        return hours < 12 ? 'AM' : 'PM';
      case 'Z':
      case 'K':
        return 'Z';
      default:
        if (/^f+$/.test(token)) return (pad(ms, 3) + '0000').slice(0, token.length);
        if (token.startsWith("'") || token.startsWith('"')) return token.slice(1, -1);
        if (token.startsWith('\\')) return token.slice(1);
        return token;
    }
  });
}
