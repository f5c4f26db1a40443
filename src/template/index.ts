// The Jinja runtime airlock renders Ansible templates with: nunjucks made to behave as Ansible's Jinja2 (Python's
// values, truthiness, comparisons, methods, filters and tests), inside a sandbox that no template can leave.
// The one entry point for the rest of airlock: createTemplater() and the helpers below; the files beside this one
// are the runtime's own parts:
//   templater.ts  render / renderString / evaluate / test, lazy variables, unsafe host data
//   runtime.ts    the nunjucks internals that are patched (lookups, calls, truthiness, ==, output)
//   sandbox.ts    the one place templates touch JavaScript values
//   parser-patches.ts  Jinja syntax nunjucks reads differently (string escapes, `is` tests, floats, *args/**kwargs)
//   filters.ts, filters-ansible.ts, tests.ts, tests-ansible.ts, globals.ts   Ansible's filters, tests and globals
//   lookups.ts, lookups-controller.ts   loop lookups; pipe/lines (controller commands, never built from host data)
//   qualified-names.ts  the ansible.builtin.* names of every filter and test
//   python-*.ts   Python's semantics for values (str(), ==, ordering, floats, str/list/dict methods, regexes,
//                 % and str.format, json.dumps, datetime, string-literal escapes)
export {
  createTemplater, conditionalTruth, containsTemplate, isTemplated, OMIT, isOmitted, TemplateError,
  type Templater, type TemplaterOptions,
} from './templater.js';
