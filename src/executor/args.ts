// Module arguments after templating: `omit` dropped, then validated against the module's JSON schema with ajv so
// that a wrong argument fails the task with a message naming the host, the task and the argument.
import { isUnsafe } from '../util/unsafe.js';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ModuleDefinition } from '../modules/lib/types.js';

// ajv ships CommonJS; under NodeNext its default export is the module namespace.
const Ajv = AjvModule.default;
// coerceTypes: a templated value arrives with its native type (`content: "{{ hosts | length }}"` is a number); like
// Ansible's argument spec, a scalar is converted to the type the module declares (number -> string, "5" -> 5),
// in place, so the module receives the converted value. Lists and mappings are never coerced.
const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: true, coerceTypes: true });
const validators = new WeakMap<ModuleDefinition, ValidateFunction>();

/** Remove every mapping entry whose value is the omit sentinel, at any depth (Ansible drops only top-level; deeper is harmless and saves surprises). */
export function dropOmitted(value: unknown, omit: unknown): unknown {
  // host data is kept whole (copying would lose its unsafe mark), and the playbook's `omit` is never in it
  if (isUnsafe(value)) return value;
  if (Array.isArray(value)) return value.filter((item) => item !== omit).map((item) => dropOmitted(item, omit));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== omit) out[key] = dropOmitted(inner, omit);
    }
    return out;
  }
  return value;
}

function describe(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'additionalProperties') {
    return `unsupported argument '${String((error.params as { additionalProperty?: unknown }).additionalProperty)}'`;
  }
  if (error.keyword === 'required') {
    return `missing required argument '${String((error.params as { missingProperty?: unknown }).missingProperty)}'`;
  }
  return path === '' ? `arguments ${error.message ?? 'are invalid'}` : `argument '${path}' ${error.message ?? 'is invalid'}`;
}

/** Returns undefined when the arguments fit the schema, else the reason in words. */
export function validateModuleArgs(module: ModuleDefinition, args: Record<string, unknown>): string | undefined {
  let validate = validators.get(module);
  if (!validate) {
    validate = ajv.compile(module.argsSchema);
    validators.set(module, validate);
  }
  if (validate(args)) return undefined;
  return (validate.errors ?? []).map(describe).join('; ') || 'invalid arguments';
}
