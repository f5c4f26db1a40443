// Jump hosts as operators write them for OpenSSH: `-J a,b`, `-o ProxyJump=user@host:port`, the classic
// `-o ProxyCommand="ssh -W %h:%p user@host"`, or airlock's own `airlock_jump` list.

export interface JumpSpec {
  /** an inventory host name or an address, exactly as written (resolved by the pool) */
  target: string;
  user?: string;
  port?: number;
}

/** Parse `[user@]host[:port]`, `[user@][v6addr]:port` or `ssh://[user@]host[:port]`. */
export function parseJump(text: string): JumpSpec {
  let rest = text.trim();
  if (rest.startsWith('ssh://')) rest = rest.slice('ssh://'.length).replace(/\/$/, '');
  if (rest === '') throw new Error('empty jump host');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (user === '') throw new Error(`jump host ${JSON.stringify(text)} has an empty user`);
  }
  let target = rest;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    target = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if (rest.split(':').length === 2) {
    [target, portText] = rest.split(':') as [string, string];
  }
  if (target === '' || /\s/.test(target)) throw new Error(`jump host ${JSON.stringify(text)} has no valid host`);
  const spec: JumpSpec = { target };
  if (user !== undefined) spec.user = user;
  if (portText !== undefined) {
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65_535) throw new Error(`jump host ${JSON.stringify(text)} has an invalid port`);
    spec.port = port;
  }
  return spec;
}

/** `airlock_jump`: a list (or a comma-separated string) of hops, first hop first. */
export function parseJumpList(value: unknown): JumpSpec[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (items === undefined) throw new Error('must be a list of jump hosts (inventory names or user@host:port)');
  return items.map((item) => {
    if (typeof item !== 'string') throw new Error('each jump host must be a string');
    return parseJump(item);
  });
}

/** Split an ssh argument string the way a POSIX shell would (quotes and backslashes), without expanding anything. */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else current += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) current += text[++i];
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new Error('unterminated quote');
  if (inWord) words.push(current);
  return words;
}

/** `ssh -W %h:%p [-q] [-p PORT] [-l USER] [user@]host` as a ProxyCommand: the same thing as one ProxyJump hop. */
function jumpFromProxyCommand(command: string): JumpSpec[] {
  const words = splitShellWords(command);
  if (words[0] !== 'ssh' && !words[0]?.endsWith('/ssh')) throw new Error(`ProxyCommand ${JSON.stringify(command)} is not supported (only "ssh -W %h:%p host")`);
  let port: number | undefined;
  let user: string | undefined;
  let destination: string | undefined;
  let nested: JumpSpec[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (word === '-W') i++;
    else if (word === '-p') port = Number(words[++i]);
    else if (word === '-l') user = words[++i];
    else if (word === '-J') nested = parseJumpList(words[++i] ?? '');
    else if (word === '-o' || word === '-i' || word === '-F') i++;
    else if (word.startsWith('-')) continue;
    else destination = word;
  }
  if (destination === undefined) throw new Error(`ProxyCommand ${JSON.stringify(command)} names no host`);
  const hop = parseJump(destination);
  if (user !== undefined && hop.user === undefined) hop.user = user;
  if (port !== undefined && hop.port === undefined) hop.port = port;
  return [...nested, hop];
}

function jumpsFromOption(option: string): JumpSpec[] | undefined {
  const match = /^\s*(\w+)\s*[=\s]\s*(.*)$/s.exec(option);
  if (!match) return undefined;
  const key = (match[1] ?? '').toLowerCase();
  const value = (match[2] ?? '').trim();
  if (key === 'proxyjump') return value.toLowerCase() === 'none' ? [] : parseJumpList(value);
  if (key === 'proxycommand') return value.toLowerCase() === 'none' ? [] : jumpFromProxyCommand(value);
  return undefined;
}

/** The jump hosts named in ansible_ssh_common_args / ansible_ssh_extra_args; other options are ignored. */
export function parseSshArgsForJumps(args: string): JumpSpec[] {
  const words = splitShellWords(args);
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (word === '-J') return parseJumpList(words[i + 1] ?? '');
    if (word.startsWith('-J')) return parseJumpList(word.slice(2));
    const option = word === '-o' ? words[++i] : word.startsWith('-o') ? word.slice(2) : undefined;
    if (option === undefined) continue;
    const jumps = jumpsFromOption(option);
    if (jumps !== undefined) return jumps;
  }
  return [];
}
