// Python's datetime as templates meet it: `now()` / `now(utc=true)` (a datetime whose str() is
// "2026-12-02 14:40:00.123456", with .year ... .microsecond, .strftime(), .isoformat(), .timestamp()) and
// time.strftime for the `strftime` filter. A PyDateTime is read through the sandbox by its fields only.
import { allowCall } from './sandbox.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const two = (n: number): string => String(n).padStart(2, '0');

interface Parts {
  year: number; month: number; day: number; hour: number; minute: number; second: number; microsecond: number;
  weekday: number; yearDay: number; offsetMinutes: number; zone: string;
}

function partsOf(date: Date, utc: boolean, microsecond: number): Parts {
  const get = (local: () => number, universal: () => number): number => (utc ? universal() : local());
  const year = get(() => date.getFullYear(), () => date.getUTCFullYear());
  const month = get(() => date.getMonth(), () => date.getUTCMonth()) + 1;
  const day = get(() => date.getDate(), () => date.getUTCDate());
  const start = Date.UTC(year, 0, 1);
  const yearDay = Math.floor((Date.UTC(year, month - 1, day) - start) / 86_400_000) + 1;
  const offsetMinutes = utc ? 0 : -date.getTimezoneOffset();
  const zone = utc ? 'UTC' : (new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '');
  return {
    year, month, day, yearDay, offsetMinutes, zone, microsecond,
    hour: get(() => date.getHours(), () => date.getUTCHours()),
    minute: get(() => date.getMinutes(), () => date.getUTCMinutes()),
    second: get(() => date.getSeconds(), () => date.getUTCSeconds()),
    weekday: get(() => date.getDay(), () => date.getUTCDay()),
  };
}

/** C's strftime for the directives Python documents. */
function strftimeParts(format: string, p: Parts, epochSeconds: number): string {
  return format.replace(/%([a-zA-Z%])/g, (whole, code: string) => {
    switch (code) {
      case 'Y': return String(p.year);
      case 'y': return two(p.year % 100);
      case 'm': return two(p.month);
      case 'd': return two(p.day);
      case 'e': return String(p.day).padStart(2, ' ');
      case 'H': return two(p.hour);
      case 'I': return two(p.hour % 12 === 0 ? 12 : p.hour % 12);
      case 'M': return two(p.minute);
      case 'S': return two(p.second);
      case 'f': return String(p.microsecond).padStart(6, '0');
      case 'p': return p.hour < 12 ? 'AM' : 'PM';
      case 'j': return String(p.yearDay).padStart(3, '0');
      case 'a': return (DAYS[p.weekday] ?? '').slice(0, 3);
      case 'A': return DAYS[p.weekday] ?? '';
      case 'w': return String(p.weekday);
      case 'u': return String(p.weekday === 0 ? 7 : p.weekday);
      case 'b': case 'h': return (MONTHS[p.month - 1] ?? '').slice(0, 3);
      case 'B': return MONTHS[p.month - 1] ?? '';
      case 'z': {
        const sign = p.offsetMinutes < 0 ? '-' : '+';
        const abs = Math.abs(p.offsetMinutes);
        return `${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
      }
      case 'Z': return p.zone;
      case 's': return String(Math.floor(epochSeconds));
      case 'F': return `${p.year}-${two(p.month)}-${two(p.day)}`;
      case 'T': return `${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
      case 'D': return `${two(p.month)}/${two(p.day)}/${two(p.year % 100)}`;
      case 'c': return `${(DAYS[p.weekday] ?? '').slice(0, 3)} ${(MONTHS[p.month - 1] ?? '').slice(0, 3)} ${String(p.day).padStart(2, ' ')} ${two(p.hour)}:${two(p.minute)}:${two(p.second)} ${p.year}`;
      case 'x': return `${two(p.month)}/${two(p.day)}/${two(p.year % 100)}`;
      case 'X': return `${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
      case '%': return '%';
      default: return whole;
    }
  });
}

/** time.strftime(format, localtime/gmtime(seconds)): the `strftime` filter. */
export function pyStrftime(format: string, epochSeconds: number, utc: boolean): string {
  return strftimeParts(format, partsOf(new Date(epochSeconds * 1000), utc, 0), epochSeconds);
}

export class PyDateTime {
  private readonly parts: Parts;
  constructor(private readonly date: Date, utc: boolean, microsecond: number) {
    this.parts = partsOf(date, utc, microsecond);
  }
  toString(): string {
    const p = this.parts;
    const micro = p.microsecond === 0 ? '' : `.${String(p.microsecond).padStart(6, '0')}`;
    return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}${micro}`;
  }
  /** What `dt.name` gives in a template (fields and methods), or undefined. */
  member(name: string): unknown {
    const p = this.parts;
    switch (name) {
      case 'year': case 'month': case 'day': case 'hour': case 'minute': case 'second': case 'microsecond': return p[name];
      case 'strftime': return allowCall((format: unknown) => strftimeParts(String(format), p, this.date.getTime() / 1000));
      case 'isoformat': return allowCall(() => this.toString().replace(' ', 'T'));
      case 'timestamp': return allowCall(() => this.date.getTime() / 1000);
      case 'weekday': return allowCall(() => (p.weekday + 6) % 7);
      case 'isoweekday': return allowCall(() => (p.weekday === 0 ? 7 : p.weekday));
      default: return undefined;
    }
  }
}

/** Ansible's now(utc=False, fmt=None) global. */
export function now(utc: boolean, format: string | undefined): PyDateTime | string {
  const date = new Date();
  const microsecond = date.getMilliseconds() * 1000;
  if (format !== undefined) return strftimeParts(format, partsOf(date, utc, microsecond), date.getTime() / 1000);
  return new PyDateTime(date, utc, microsecond);
}
