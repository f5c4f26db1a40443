// The authorized_keys text as ansible.posix.authorized_key reads and rewrites it: every line becomes an entry
// (a key, keyed by its base64 blob, or any other line kept verbatim), entries are ranked by position, and the file
// is written back from the entries in rank order. Keys are re-serialised as `options type blob comment` (so a key
// without a comment gets a trailing space, as Ansible writes it). Pure functions over text: what the host's file
// holds is data, parsed here and never run.

const KEY_TYPES = new Set([
  'sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com', 'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521', 'ecdsa-sha2-nistp521-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com', 'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-ed25519', 'ssh-ed25519-cert-v01@openssh.com', 'ssh-dss', 'ssh-rsa', 'ssh-xmss@openssh.com', 'ssh-xmss-cert-v01@openssh.com',
  'rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com', 'rsa-sha2-512-cert-v01@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
]);

/** Options in the order written; a name may repeat (permitopen=...,permitopen=...). null: a flag without '='. */
export type KeyOptions = Array<[string, string | null]>;

export type KeyEntry =
  | { kind: 'key'; blob: string; type: string; options: KeyOptions; comment: string; rank: number }
  | { kind: 'line'; line: string; rank: number };

/** `no-pty,command="a,b"` -> [['no-pty', null], ['command', '"a,b"']]: commas inside quotes do not split. */
export function parseKeyOptions(text: string | undefined): KeyOptions {
  if (text === undefined || text === '') return [];
  const parts = text.split(/((?:[^,"']|"[^"]*"|'[^']*')+)/).slice(1, -1);
  const options: KeyOptions = [];
  for (const part of parts) {
    const equals = part.indexOf('=');
    if (equals >= 0) options.push([part.slice(0, equals), part.slice(equals + 1)]);
    else if (part !== ',') options.push([part, null]);
  }
  return options;
}

/** One line (or one `key` argument line); undefined when it holds no key of a known type. */
export function parseKeyLine(raw: string, rank: number): KeyEntry | undefined {
  const text = raw.replace(/\\#/g, '#');
  const words = text.split(/[ \t\r\n]+/).filter((word) => word !== '');
  if (words[0] === '#') return { kind: 'line', line: text, rank };
  const typeIndex = words.findIndex((word) => KEY_TYPES.has(word));
  const blob = words[typeIndex + 1];
  if (typeIndex < 0 || blob === undefined) return undefined;
  return {
    kind: 'key',
    blob,
    type: words[typeIndex] as string,
    options: parseKeyOptions(typeIndex > 0 ? words.slice(0, typeIndex).join(' ') : undefined),
    comment: words.slice(typeIndex + 2).join(' '),
    rank,
  };
}

function entryId(entry: KeyEntry): string {
  return entry.kind === 'key' ? entry.blob : entry.line;
}

/** Lines with their endings, as Python's splitlines(True). */
function linesOf(content: string): string[] {
  return content.match(/[^\r\n]*(\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** The file's entries by id (a later duplicate takes the earlier one's place, with its own rank). */
export function parseKeyFile(content: string): Map<string, KeyEntry> {
  const entries = new Map<string, KeyEntry>();
  linesOf(content).forEach((line, rank) => {
    const entry = parseKeyLine(line, rank) ?? { kind: 'line', line, rank };
    entries.set(entryId(entry), entry);
  });
  return entries;
}

function optionsText(options: KeyOptions): string {
  return options.map(([name, value]) => (value === null ? name : `${name}=${value}`)).join(',');
}

export function serializeKeyFile(entries: Map<string, KeyEntry>): string {
  return [...entries.values()]
    .sort((a, b) => a.rank - b.rank)
    .map((entry) => (entry.kind === 'line' ? entry.line : `${entry.options.length > 0 ? `${optionsText(entry.options)} ` : ''}${entry.type} ${entry.blob} ${entry.comment}\n`))
    .join('');
}

/** Ansible compares options as a dict of name -> values: the names' order does not matter, a repeated name's values' does. */
function sameOptions(a: KeyOptions, b: KeyOptions): boolean {
  const grouped = (options: KeyOptions): string => JSON.stringify(
    Object.entries(options.reduce<Record<string, Array<string | null>>>((all, [name, value]) => ({ ...all, [name]: [...(all[name] ?? []), value] }), {})).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
  );
  return grouped(a) === grouped(b);
}

function sameKey(a: KeyEntry, b: KeyEntry): boolean {
  if (a.kind !== 'key' || b.kind !== 'key') return false;
  return a.type === b.type && a.comment === b.comment && sameOptions(a.options, b.options);
}

export interface KeyRequest {
  /** the `key` argument: one key per line; blank and '#' lines ignored */
  keys: string;
  state: 'present' | 'absent';
  keyOptions?: string;
  comment?: string;
  exclusive: boolean;
}

export type KeyEdit = { changed: boolean; content: string } | { error: string };

/** Ansible's enforce_state over the file's text. */
export function editKeyFile(existing: string, request: KeyRequest): KeyEdit {
  const entries = parseKeyFile(existing);
  const wanted = request.keys.split(/\r\n|\r|\n/).filter((line) => line !== '' && !line.startsWith('#'));
  const maxRank = entries.size;
  const keep: string[] = [];
  let changed = false;
  for (const [index, line] of wanted.entries()) {
    const parsed = parseKeyLine(line, index);
    if (parsed?.kind !== 'key') return { error: `invalid key specified: ${line}` };
    const key = {
      ...parsed,
      ...(request.keyOptions === undefined ? {} : { options: parseKeyOptions(request.keyOptions) }),
      ...(request.comment === undefined ? {} : { comment: request.comment }),
    };
    const current = entries.get(key.blob);
    const matched = current !== undefined && (request.state === 'absent' || sameKey(key, current));
    if (request.state === 'absent') {
      if (matched) {
        entries.delete(key.blob);
        changed = true;
      }
      continue;
    }
    keep.push(key.blob);
    if (!matched) {
      // a different line for the same key is replaced, and the new one goes after the file's entries
      entries.set(key.blob, { ...key, rank: maxRank + index });
      changed = true;
    }
  }
  if (request.state === 'present' && request.exclusive) {
    for (const id of [...entries.keys()]) {
      if (!keep.includes(id)) {
        entries.delete(id);
        changed = true;
      }
    }
  }
  return { changed, content: changed ? serializeKeyFile(entries) : existing };
}
