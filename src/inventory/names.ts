// Naming rules shared by inventories and extra vars. Ansible's rules: group names and variable names should be
// Python identifiers (so that templates can say `groups.web` or `{{ http_port }}`), and not Python keywords.

const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/** ansible's INVALID_VARIABLE_NAMES: a leading digit or any non-word character. */
const INVALID_NAME_CHARS = /^\p{Nd}|[^\p{L}\p{N}_]/gu;

/** ansible.utils.vars.isidentifier: ASCII Python identifier that is not a keyword. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_KEYWORDS.has(name);
}

export function hasInvalidGroupChars(name: string): boolean {
  return new RegExp(INVALID_NAME_CHARS.source, 'u').test(name);
}
