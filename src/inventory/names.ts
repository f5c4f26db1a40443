// Naming rules of inventories. Ansible's rules: group names and variable names should be Python identifiers (so that
// templates can say `groups.web` or `{{ http_port }}`), and not Python keywords (src/parsing/python-names.ts).
export { isIdentifier } from '../parsing/python-names.js';


/** ansible's INVALID_VARIABLE_NAMES: a leading digit or any non-word character. */
const INVALID_NAME_CHARS = /^\p{Nd}|[^\p{L}\p{N}_]/gu;


export function hasInvalidGroupChars(name: string): boolean {
  return new RegExp(INVALID_NAME_CHARS.source, 'u').test(name);
}
