// The ONE place where values are quoted for a POSIX shell. Every module, connection and role that builds a
// command line goes through here; nothing else may concatenate user-controlled values into a command.

/** Quote one value so that a POSIX shell reads it back as exactly one word, byte for byte. */
export function quote(value: string | number | boolean): string {
  const text = String(value);
  if (text === '') return "''";
  // Words made only of characters no shell treats specially need no quoting; keeps commands readable in logs.
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

/** Build a command line from an argv array: each element becomes exactly one shell word. */
export function joinCommand(argv: ReadonlyArray<string | number | boolean>): string {
  return argv.map(quote).join(' ');
}

/**
 * Tagged template for commands with interpolated values: the literal parts are trusted shell text written by us,
 * every `${value}` is quoted (arrays become several quoted words).
 * Example: sh`mkdir -p ${dir} && chmod ${mode} ${dir}`
 */
export function sh(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number | boolean | ReadonlyArray<string | number | boolean>>): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += Array.isArray(value) ? joinCommand(value) : quote(value as string | number | boolean);
    out += strings[i + 1] ?? '';
  });
  return out;
}

/**
 * `producer | consumer` for POSIX sh (which has no pipefail): fails when EITHER side fails, naming which, by carrying
 * the producer's exit status out through file descriptor 3. Both arguments are complete, already-quoted commands.
 */
export function pipeline(producer: string, consumer: string): string {
  return `exec 4>&1; p=$( { { ( ${producer} ); echo $? >&3; } | ${consumer} >&4; } 3>&1 ); c=$?; `
    + `[ "$p" = 0 ] || echo "source command exited $p" >&2; [ "$c" = 0 ] || echo "target command exited $c" >&2; `
    + `[ "$p" = 0 ] && [ "$c" = 0 ]`;
}
