// The manifest's JSON schema, checked with ajv. Errors name the field (components[1].sha256), the component it
// belongs to, and the line:column in manifest.json, because an operator fixing a bundle by hand needs all three.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, isCollection } from 'yaml';
import { jsonSyntaxError } from '../util/json-syntax.js';
import { InputError } from '../util/errors.js';
import type { BundleManifest } from './manifest.js';

const HEX64 = '^[0-9a-f]{64}$';
// a plain file name inside the bundle directory: no path separators, no leading dot (no `..`, no hidden files)
const FILE_NAME = '^[A-Za-z0-9_+-][A-Za-z0-9._+-]*$';

export const manifestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['format', 'name', 'version', 'created', 'components'],
  properties: {
    format: { const: 1 },
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: 100 },
    version: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._+~-]*$', maxLength: 100 },
    created: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' },
    components: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'file', 'size', 'sha256', 'lxd_fingerprint', 'upstream_version'],
        properties: {
          name: { type: 'string', pattern: '^[a-z][a-z0-9_-]*$', maxLength: 64 },
          file: { type: 'string', pattern: FILE_NAME, maxLength: 255 },
          size: { type: 'integer', minimum: 0 },
          sha256: { type: 'string', pattern: HEX64 },
          lxd_fingerprint: { type: 'string', pattern: HEX64 },
          upstream_version: { type: 'string', minLength: 1, maxLength: 100 },
          upstream_commit: { type: 'string', pattern: '^[0-9a-f]{7,40}$' },
          signature: { type: 'string', pattern: FILE_NAME, maxLength: 255 },
        },
      },
    },
  },
} as const;

// Compiled on first use: every `airlock run` loads this module (through the bundle modules), few runs read a manifest.
let validateManifest: ValidateFunction<BundleManifest> | undefined;
const manifestValidator = (): ValidateFunction<BundleManifest> =>
  (validateManifest ??= new Ajv({ allErrors: true, strict: true }).compile<BundleManifest>(manifestSchema));

/** `/components/1/sha256` -> `components[1].sha256` */
function fieldName(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const part of parts) out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(manifest)' : out;
}

function describe(error: ErrorObject): { field: string; message: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { field: fieldName(error.instancePath, String(params['missingProperty'])), message: 'is required but missing' };
    case 'additionalProperties':
      return { field: fieldName(error.instancePath, String(params['additionalProperty'])), message: 'is not a known field (typo?)' };
    case 'const':
      return { field: fieldName(error.instancePath), message: `must be ${JSON.stringify(params['allowedValue'])} (this airlock reads bundle format 1 only)` };
    case 'pattern':
      return { field: fieldName(error.instancePath), message: `has an invalid value (must match ${String(params['pattern'])})` };
    default:
      return { field: fieldName(error.instancePath), message: error.message ?? 'is invalid' };
  }
}

interface Located {
  line: number;
  column: number;
}

/** Line/column of a JSON pointer in the manifest text (JSON is YAML, so the yaml parser gives us ranges). */
function locate(text: string, instancePath: string): Located | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const path = instancePath.split('/').slice(1).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  let node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  // for a missing field, point at the object that lacks it
  while (node === undefined && path.length > 0) {
    path.pop();
    node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  }
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (!range && !isCollection(node)) return undefined;
  const offset = range?.[0] ?? 0;
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function componentLabel(value: unknown, instancePath: string): string {
  const match = /^\/components\/(\d+)/.exec(instancePath);
  if (!match || typeof value !== 'object' || value === null) return '';
  const components = (value as { components?: unknown }).components;
  if (!Array.isArray(components)) return '';
  const component: unknown = components[Number(match[1])];
  const name = typeof component === 'object' && component !== null ? (component as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? ` (component '${name}')` : '';
}

/**
 * Parse and validate manifest text. Throws InputError at the first problem's location; the message lists every problem
 * so that one round trip fixes them all.
 */
export function parseManifest(text: string, file: string): BundleManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text's first bytes and gives at most an offset: say where, never what
    // (the place is in the words, "file: not valid JSON at line L, column C", the form this message always had)
    const syntax = jsonSyntaxError(text);
    const where = syntax === undefined ? '' : ` at line ${syntax.line}, column ${syntax.column}: ${syntax.problem}`;
    throw new InputError(`not valid JSON${where}`, { file });
  }
  const validate = manifestValidator();
  if (!validate(value)) {
    const errors = validate.errors ?? [];
    const first = errors[0];
    const problems = errors.map((error) => {
      const { field, message } = describe(error);
      return `${field}${componentLabel(value, error.instancePath)} ${message}`;
    });
    const where = first ? locate(text, first.instancePath) : undefined;
    throw new InputError(`invalid bundle manifest: ${problems.join('; ')}`, where ? { file, ...where } : { file });
  }
  const manifest = value;
  const seenNames = new Set<string>();
  const seenFiles = new Set<string>();
  manifest.components.forEach((component, index) => {
    const where = locate(text, `/components/${index}`);
    if (seenNames.has(component.name)) {
      throw new InputError(`components[${index}].name: component '${component.name}' appears twice`, where ? { file, ...where } : { file });
    }
    if (seenFiles.has(component.file)) {
      throw new InputError(`components[${index}].file: file '${component.file}' is used by two components`, where ? { file, ...where } : { file });
    }
    seenNames.add(component.name);
    seenFiles.add(component.file);
  });
  return manifest;
}
