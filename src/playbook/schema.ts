// JSON schemas (ajv) for what a playbook may contain, checked before anything runs. Errors point at the YAML node
// (file:line:column), name the key and say what was expected. Unknown keywords get a "did you mean".
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ModuleDefinition } from '../modules/lib/types.js';
import { InputError } from '../util/errors.js';
import { didYouMean } from './suggest.js';
import { containsTemplate } from '../template/index.js';
import type { YamlPath, YamlSource } from '../parsing/yaml-source.js';

/** The `with_<lookup>` loops airlock has besides with_items/with_list (src/template/lookups.ts, globals.ts). */
export const WITH_LOOKUPS = [
  'dict', 'together', 'nested', 'subelements', 'sequence', 'fileglob', 'first_found', 'file', 'env', 'vars', 'indexed_items', 'random_choice', 'lines',
  'inventory_hostnames',
] as const;

/** Every loop keyword: only one may be on a task. */
export const LOOP_KEYWORDS: readonly string[] = ['loop', 'with_items', 'with_list', ...WITH_LOOKUPS.map((plugin) => `with_${plugin}`)];

const stringList = { oneOf: [{ type: 'string' }, { type: 'array', items: { type: ['string', 'number'] } }] };
const condition = { oneOf: [{ type: ['string', 'boolean', 'number'] }, { type: 'array', items: { type: ['string', 'boolean', 'number'] } }] };
const boolOrTemplate = { type: ['boolean', 'string'] };
const intOrTemplate = { type: ['integer', 'string'] };
const mapping = { type: 'object' };
const environment = { oneOf: [{ type: 'object' }, { type: 'string' }] };

/** Keywords valid on every task (action, block or include), with the type each expects. */
export const taskKeywordSchemas: Record<string, object> = {
  name: { type: 'string' },
  when: condition,
  tags: stringList,
  vars: mapping,
  become: { type: 'boolean' },
  become_user: { type: 'string' },
  become_method: { type: 'string', enum: ['sudo'] },
  ignore_errors: boolOrTemplate,
  ignore_unreachable: { type: 'boolean' },
  no_log: { type: 'boolean' },
  check_mode: { type: 'boolean' },
  delegate_to: { type: 'string' },
  run_once: { type: 'boolean' },
  throttle: { type: 'integer', minimum: 0 },
  environment,
  // a list, or a template that renders to one; `loop: 5` is refused here, before anything runs
  loop: { type: ['array', 'string'] },
  with_items: {},
  with_list: {},
  ...Object.fromEntries(WITH_LOOKUPS.map((plugin) => [`with_${plugin}`, {}])),
  loop_control: {
    type: 'object',
    properties: {
      loop_var: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      index_var: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      label: { type: 'string' },
      pause: { type: ['number', 'string'] },
      extended: { type: 'boolean' },
    },
    additionalProperties: false,
  },
  any_errors_fatal: { type: 'boolean' },
};

/** Keywords of action tasks only. */
export const actionKeywordSchemas: Record<string, object> = {
  register: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
  notify: stringList,
  failed_when: condition,
  changed_when: condition,
  until: { type: ['string', 'boolean'] },
  retries: intOrTemplate,
  delay: { type: ['number', 'string'] },
  args: mapping,
  action: { type: ['string', 'object'] },
  local_action: { type: ['string', 'object'] },
  listen: stringList,
  delegate_facts: { type: 'boolean' },
  async: intOrTemplate,
  poll: intOrTemplate,
};

export const blockKeywordSchemas: Record<string, object> = {
  block: { type: 'array' },
  rescue: { type: 'array' },
  always: { type: 'array' },
};

const playSchema = {
  type: 'object',
  required: ['hosts'],
  properties: {
    name: { type: 'string' },
    hosts: stringList,
    vars: mapping,
    vars_files: { oneOf: [{ type: 'string' }, { type: 'array' }] },
    roles: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'object' }] } },
    pre_tasks: { type: ['array', 'null'] },
    tasks: { type: ['array', 'null'] },
    post_tasks: { type: ['array', 'null'] },
    handlers: { type: ['array', 'null'] },
    gather_facts: { type: 'boolean' },
    become: { type: 'boolean' },
    become_user: { type: 'string' },
    become_method: { type: 'string', enum: ['sudo'] },
    serial: { oneOf: [{ type: ['integer', 'string'] }, { type: 'array', items: { type: ['integer', 'string'] }, minItems: 1 }] },
    max_fail_percentage: { type: 'number', minimum: 0, maximum: 100 },
    any_errors_fatal: { type: 'boolean' },
    order: { enum: ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] },
    strategy: { enum: ['linear', 'free'] },
    environment,
    tags: stringList,
    force_handlers: { type: 'boolean' },
    check_mode: { type: 'boolean' },
    canary_group: { type: 'string' },
    batch_pause: { type: 'number', minimum: 0 },
    batch_gate: { type: 'array' },
    collections: { type: 'array' },
  },
  additionalProperties: false,
};

const roleMetaSchema = {
  type: ['object', 'null'],
  properties: {
    dependencies: { type: ['array', 'null'], items: { oneOf: [{ type: 'string' }, { type: 'object' }] } },
    allow_duplicates: { type: 'boolean' },
    galaxy_info: { type: 'object' },
    argument_specs: { type: 'object' },
    collections: { type: 'array' },
  },
  additionalProperties: false,
};

const roleEntrySchema = {
  type: 'object',
  properties: {
    role: { type: 'string' },
    name: { type: 'string' },
    vars: mapping,
    tags: stringList,
    when: condition,
    become: { type: 'boolean' },
    become_user: { type: 'string' },
    environment,
  },
};

const taskKeywordsSchema = {
  type: 'object',
  properties: { ...taskKeywordSchemas, ...actionKeywordSchemas, ...blockKeywordSchemas },
};

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = {
  play: ajv.compile(playSchema),
  roleMeta: ajv.compile(roleMetaSchema),
  roleEntry: ajv.compile(roleEntrySchema),
  taskKeywords: ajv.compile(taskKeywordsSchema),
};
export type SchemaName = keyof typeof validators;

export const PLAY_KEYWORDS: readonly string[] = Object.keys(playSchema.properties);
export const ROLE_META_KEYWORDS: readonly string[] = Object.keys(roleMetaSchema.properties);

function describeExpectation(error: ErrorObject): string {
  switch (error.keyword) {
    case 'type':
      return `expected ${String(error.params.type).replace(/,/g, ' or ')}`;
    case 'enum':
      return `expected one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'oneOf':
      return 'expected a value of a different type (see the Ansible documentation for this keyword)';
    case 'pattern':
      return 'expected a variable name (letters, digits, underscore)';
    default:
      return error.message ?? 'invalid value';
  }
}

function pathOf(instancePath: string): Array<string | number> {
  if (instancePath === '') return [];
  return instancePath.slice(1).split('/').map((part) => {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(key) ? Number(key) : key;
  });
}

/** Turn the first ajv error into an InputError at the offending YAML node. */
function toInputError(error: ErrorObject, source: YamlSource, base: YamlPath, what: string, known: readonly string[]): InputError {
  const relative = pathOf(error.instancePath);
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    return source.error([...base, ...relative, key], `unknown ${what} keyword '${key}'${didYouMean(key, known)}`, true);
  }
  if (error.keyword === 'required') {
    return source.error([...base, ...relative], `${what} is missing the required key '${String(error.params.missingProperty)}'`);
  }
  const keyName = relative.length > 0 ? `'${relative.map(String).join('.')}'` : what;
  return source.error([...base, ...relative], `invalid ${keyName}: ${describeExpectation(error)}`);
}

export function validateSchema(name: SchemaName, data: unknown, source: YamlSource, base: YamlPath, what: string): void {
  const validate: ValidateFunction = validators[name];
  if (validate(data)) return;
  const first = validate.errors?.[0];
  if (first === undefined) return;
  const known = name === 'play' ? PLAY_KEYWORDS : name === 'roleMeta' ? ROLE_META_KEYWORDS : [];
  throw toInputError(first, source, base, what, known);
}

const moduleValidators = new WeakMap<ModuleDefinition, ValidateFunction>();
const allErrorsAjv = new Ajv({ allErrors: true, strict: false });

/**
 * Check module arguments against the module's argsSchema. An argument whose value is templated is left out (its
 * type is only known per host; the executor checks it after rendering); a required argument that is templated
 * counts as present. Everything else, e.g. a misspelt argument next to a templated one, is caught here.
 */
export function validateModuleArgs(module: ModuleDefinition, args: Record<string, unknown>, source: YamlSource, at: YamlPath, taskName: string): void {
  let validate = moduleValidators.get(module);
  if (validate === undefined) {
    validate = allErrorsAjv.compile(module.argsSchema);
    moduleValidators.set(module, validate);
  }
  const templated = new Set(Object.keys(args).filter((key) => containsTemplate(args[key])));
  const literal = Object.fromEntries(Object.entries(args).filter(([key]) => !templated.has(key)));
  if (validate(literal)) return;
  const first = (validate.errors ?? []).find((error) => {
    if (error.keyword === 'required') return !templated.has(String(error.params.missingProperty));
    // whole-object rules (oneOf/anyOf/dependencies) may depend on the templated arguments: leave them to run time
    return templated.size === 0 || error.instancePath !== '' || error.keyword === 'additionalProperties';
  });
  if (first === undefined) return;
  const relative = pathOf(first.instancePath);
  const known = Object.keys((module.argsSchema.properties as Record<string, unknown> | undefined) ?? {});
  if (first.keyword === 'additionalProperties') {
    const key = String(first.params.additionalProperty);
    throw source.error([...at, key], `unsupported argument '${key}' for module '${module.name}' in task '${taskName}'${didYouMean(key, known)}`, true);
  }
  if (first.keyword === 'required') {
    throw source.error(at, `module '${module.name}' in task '${taskName}' is missing the required argument '${String(first.params.missingProperty)}'`);
  }
  const argName = relative.length > 0 ? relative.map(String).join('.') : 'arguments';
  throw source.error([...at, ...relative], `invalid argument '${argName}' for module '${module.name}' in task '${taskName}': ${describeExpectation(first)}`);
}
