// Jinja syntax that nunjucks' parser lacks, rewritten before compiling (once per distinct template, cached):
//   item.0 / item.1.name  ->  item[0] / item[1].name   (Ansible loops over zip/subelements use it constantly)
//   x is in list / x is not in list  ->  x in list / x not in list   (nunjucks reads `in[...]` as an index)
// Only code inside {{ }} and {% %} is touched, never quoted strings nor the text around.

const NUMERIC_ATTRIBUTE = /([A-Za-z_][A-Za-z0-9_]*|\]|\))\.(\d+)/g;

function rewriteCode(code: string): string {
  // split into quoted strings (kept) and code (rewritten)
  return code.replace(/("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|([^"']+)/g, (_match, quoted: string | undefined, plain: string | undefined) => {
    if (quoted !== undefined) return quoted;
    let text = (plain ?? '').replace(/\bis\s+not\s+in\b/g, 'not in').replace(/\bis\s+in\b/g, 'in');
    let previous: string;
    do {
      previous = text;
      text = text.replace(NUMERIC_ATTRIBUTE, '$1[$2]');
    } while (text !== previous);
    return text;
  });
}

export function toNunjucksSyntax(source: string): string {
  if (!/\.\d|\bis\s+(not\s+)?in\b/.test(source)) return source;
  return source.replace(/(\{\{|\{%)([\s\S]*?)(\}\}|%\})/g, (_match, open: string, code: string, close: string) => `${open}${rewriteCode(code)}${close}`);
}
