// The Jinja runtime airlock renders Ansible templates with: nunjucks made to behave as Ansible's Jinja2 (Python's
// values, truthiness, comparisons, methods, filters and tests), inside a sandbox that no template can leave.
// The one entry point for the rest of airlock: createTemplater() and the helpers below; the files beside this one
// are the runtime's own parts:
//   templater.ts  render / renderString / evaluate / test, lazy variables, unsafe host data
//   runtime.ts    the nunjucks internals that are patched (lookups, calls, truthiness, ==, output)
//   sandbox.ts    the one place templates touch JavaScript values
//   filters.ts, tests.ts, globals.ts   Ansible's filters, tests and lookups
//   python-*.ts   Python's semantics for values (str(), ==, ordering, str/list/dict methods, regexes)
export {
  createTemplater, conditionalTruth, containsTemplate, isTemplated, OMIT, isOmitted, TemplateError,
  type Templater, type TemplaterOptions,
} from './templater.js';
