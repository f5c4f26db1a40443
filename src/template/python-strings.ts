// How Jinja reads the text of a string literal, and how Ansible changes that in playbooks.
//   - Jinja (Python) decodes escapes with unicode-escape: \n \t \\ \' \xHH \uHHHH, octal; an unknown escape such as
//     \d or \. is KEPT with its backslash (so regexes written as '\d+' work). nunjucks drops the backslash instead.
//   - Ansible doubles every backslash inside the string literals of `{{ }}` before Jinja sees a playbook's text
//     (Templar._escape_backslashes), so there a literal's text is taken as written: '\d+' and '\\d+' are different
//     regexes, as ansible-playbook reads them. Template FILES are not treated so (the template module passes
//     escape_backslashes=False), nor are `{% %}` statements.

const SIMPLE: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '',
};

/** Python's unicode-escape decoding of a string literal's body (what Jinja's lexer does). */
export function pythonUnescape(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (whole, escape: string) => {
    const simple = SIMPLE[escape];
    if (simple !== undefined) return simple;
    if (/^[xuU]/.test(escape) && escape.length > 1) return String.fromCodePoint(parseInt(escape.slice(1), 16));
    if (/^[0-7]+$/.test(escape)) return String.fromCodePoint(parseInt(escape, 8));
    return whole;
  });
}
