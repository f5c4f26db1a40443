// Ansible's regex filters and tests take Python `re` syntax; translate the parts that differ in JavaScript.

const cache = new Map<string, RegExp>();

/** Python pattern -> JavaScript RegExp: (?P<name>...) groups, (?P=name) backrefs, inline (?i) flags, \A and \Z. */
export function pythonRegExp(pattern: string, flags: { ignoreCase?: boolean; multiline?: boolean; global?: boolean } = {}): RegExp {
  let source = pattern;
  let flagText = '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline?.[1] !== undefined) {
    if (inline[1].includes('i')) flagText += 'i';
    if (inline[1].includes('m')) flagText += 'm';
    if (inline[1].includes('s')) flagText += 's';
    source = source.slice(inline[0].length);
  }
  source = source.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\A/g, '^').replace(/\\Z/g, '$');
  if (flags.ignoreCase && !flagText.includes('i')) flagText += 'i';
  if (flags.multiline && !flagText.includes('m')) flagText += 'm';
  if (flags.global) flagText += 'g';
  const key = `${flagText}/${source}`;
  let compiled = cache.get(key);
  if (compiled === undefined) {
    compiled = new RegExp(source, flagText);
    cache.set(key, compiled);
  }
  compiled.lastIndex = 0;
  return compiled;
}

/** Python replacement string -> JavaScript: \1 and \g<1>/\g<name> become $1 / $<name>; literal $ is escaped. */
export function pythonReplacement(replacement: string): string {
  return replacement
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\d+)>/g, '$$$1')
    .replace(/\\g<(\w+)>/g, '$$<$1>')
    .replace(/\\(\d+)/g, '$$$1')
    .replace(/\\n/g, '\n')
    .replace(/\\\\/g, '\\');
}
