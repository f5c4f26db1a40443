// The YAML that every file airlock reads is parsed with, as ansible-core loads YAML: PyYAML's YAML 1.1 resolvers
// (yes/no/on/off are booleans but y/n are strings, 0755 is octal, 1:30 is 90, 1e5 stays a string, dates become ISO
// strings), `<<` merges, ansible's !unsafe (a string never templated: src/util/unsafe.ts) and !vault tags, and a
// file that is valid JSON read as JSON (as ansible tries JSON first: 1e5 is a number there). Playbooks, roles,
// inventories, group_vars/host_vars, vars_files and -e @file all come through here, so they cannot disagree.
import type { ScalarTag, Tags } from 'yaml';
import { UnsafeText } from '../util/unsafe.js';
import { vaultYamlTag } from '../vault/session.js';

function signed(text: string): { sign: number; body: string } {
  if (text.startsWith('-')) return { sign: -1, body: text.slice(1) };
  if (text.startsWith('+')) return { sign: 1, body: text.slice(1) };
  return { sign: 1, body: text };
}

function sexagesimal(body: string): number {
  return body.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

/** PyYAML's construct_yaml_timestamp, then ansible's JSON encoder (date/datetime.isoformat()). */
function isoTimestamp(text: string): string {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d*))?(?:[ \t]*(Z|[-+]\d{1,2}(?::\d{2})?))?)?$/.exec(text);
  if (!m) return text;
  const two = (v: string | undefined): string => (v ?? '0').padStart(2, '0');
  const date = `${m[1]}-${two(m[2])}-${two(m[3])}`;
  if (m[4] === undefined) return date;
  let out = `${date}T${two(m[4])}:${m[5]}:${m[6]}`;
  const fraction = (m[7] ?? '').slice(0, 6).padEnd(6, '0');
  if (Number(fraction) !== 0) out += `.${fraction}`;
  const tz = m[8];
  if (tz === 'Z') out += '+00:00';
  else if (tz !== undefined) {
    const [hours, minutes] = tz.slice(1).split(':');
    out += `${tz[0]}${two(hours)}:${two(minutes)}`;
  }
  return out;
}

// In PyYAML's order: the first resolver whose expression matches a plain scalar decides its type.
const pyyamlTags: ScalarTag[] = [
  {
    tag: 'tag:yaml.org,2002:bool',
    default: true,
    test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
    resolve: (s) => ['yes', 'true', 'on'].includes(s.toLowerCase()),
  },
  {
    tag: 'tag:yaml.org,2002:float',
    default: true,
    test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    resolve: (s) => {
      const { sign, body } = signed(s.replace(/_/g, '').toLowerCase());
      if (body === '.inf') return sign * Infinity;
      if (body === '.nan') return NaN;
      if (body.includes(':')) return sign * sexagesimal(body);
      return sign * Number(body);
    },
  },
  {
    tag: 'tag:yaml.org,2002:int',
    default: true,
    test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    resolve: (s) => {
      const { sign, body } = signed(s.replace(/_/g, ''));
      if (body === '0') return 0;
      if (body.startsWith('0b')) return sign * parseInt(body.slice(2), 2);
      if (body.startsWith('0x')) return sign * parseInt(body.slice(2), 16);
      if (body.startsWith('0')) return sign * parseInt(body, 8);
      if (body.includes(':')) return sign * sexagesimal(body);
      return sign * Number(body);
    },
  },
  {
    tag: 'tag:yaml.org,2002:null',
    default: true,
    test: /^(?:~|null|Null|NULL|)$/,
    resolve: () => null,
  },
  {
    tag: 'tag:yaml.org,2002:timestamp',
    default: true,
    test: /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
    resolve: isoTimestamp,
  },
  // ansible's `!unsafe`: a string that must never be templated (a password with `{%` in it stays as written)
  { tag: '!unsafe', resolve: (s) => new UnsafeText(s) },
];

/** The `yaml` package's tags with PyYAML's resolvers in front of them. */
function pyyamlSchema(tags: Tags): Tags {
  return [...tags, ...pyyamlTags];
}

/** ansible tries JSON first: a document that parses as JSON keeps JSON's rules. */
function isJsonDocument(text: string): boolean {
  if (!/^\s*[[{]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Options for the `yaml` parser that make it read `text` (from `file`, for !vault errors) as ansible-core does. */
export function ansibleYamlOptions(text: string, file: string): { merge: true; schema: 'json' } | { merge: true; version: '1.1'; schema: 'failsafe'; customTags: (tags: Tags) => Tags } {
  if (isJsonDocument(text)) return { merge: true, schema: 'json' };
  return { merge: true, version: '1.1', schema: 'failsafe', customTags: (tags: Tags) => [...pyyamlSchema(tags), vaultYamlTag(file)] };
}
