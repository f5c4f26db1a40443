// include_vars: variables from controller-side YAML/JSON files (vault-encrypted ones too: the one vars-file reader
// decrypts them), a single `file` or every matching file of a `dir`. As in Ansible the module returns them as
// `ansible_facts` (with `ansible_included_var_files`); the executor stores them at include_vars precedence (above
// task vars, below set_fact), not as gathered facts (factsAreVariables). They come from the controller, not the
// host: plain values, templated lazily like any other variable.
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { loadVarsFile } from '../parsing/yaml-load.js';
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

const MODULE = 'include_vars';
const DEFAULT_EXTENSIONS = ['yaml', 'yml', 'json'];

const stringOrList = { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

function listOf(value: unknown, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/**
 * The files of `dir` in Ansible's order: directories sorted by path, each one's files sorted. Ansible's `depth`
 * counts the directories walked in that order, not their nesting (include_vars.py `_traverse_dir_depth`): so do we.
 */
export function filesInDir(root: string, depth: number): string[] {
  const dirs: string[] = [];
  const walk = (dir: string): void => {
    dirs.push(dir);
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(root);
  dirs.sort();
  const chosen = depth === 0 ? dirs : dirs.slice(0, depth);
  return chosen.flatMap((dir) => readdirSync(dir).filter((entry) => !statSync(join(dir, entry)).isDirectory()).sort().map((entry) => join(dir, entry)));
}

interface Selection {
  extensions: string[];
  ignoreUnknown: boolean;
  ignoreFiles: RegExp[];
  matching: RegExp | undefined;
}

/** Whether a file of a `dir` is read; a file with another extension is an error unless ignore_unknown_extensions. */
function selected(path: string, selection: Selection): boolean | string {
  const name = path.split('/').pop() ?? path;
  if (selection.ignoreFiles.some((pattern) => pattern.test(name))) return false;
  if (selection.matching !== undefined && !selection.matching.test(name)) return false;
  if (selection.extensions.includes(extname(name).slice(1))) return true;
  return selection.ignoreUnknown ? false : `${path} does not have a valid extension: ${selection.extensions.join(', ')}`;
}

function regexes(values: string[], option: string): RegExp[] {
  return values.map((value) => {
    try {
      return new RegExp(value);
    } catch (error) {
      throw new Error(`${option}: '${value}' is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`);
    }
  });
}

export const includeVarsModule: ModuleDefinition = {
  name: MODULE,
  controllerOnly: true,
  factsAreVariables: true,
  freeFormArg: 'file',
  argsSchema: {
    type: 'object',
    properties: {
      file: { type: 'string' },
      dir: { type: 'string' },
      name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      depth: { type: 'integer', minimum: 0 },
      files_matching: { type: 'string' },
      ignore_files: stringOrList,
      extensions: stringOrList,
      ignore_unknown_extensions: { type: 'boolean' },
      hash_behaviour: { enum: ['replace', 'merge'] },
    },
    additionalProperties: false,
  },
  run: async (args, ctx): Promise<ModuleResult> => {
    const file = typeof args.file === 'string' && args.file !== '' ? args.file : undefined;
    const dir = typeof args.dir === 'string' && args.dir !== '' ? args.dir : undefined;
    const dirOnly = ['depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'].filter((key) => key in args);
    if (file !== undefined && (dir !== undefined || dirOnly.length > 0)) {
      return { changed: false, failed: true, msg: `${MODULE}: 'file' cannot be combined with ${dir !== undefined ? "'dir'" : dirOnly.map((k) => `'${k}'`).join(', ')} (they are for 'dir')` };
    }
    if (args.hash_behaviour === 'merge') return { changed: false, failed: true, msg: `${MODULE}: hash_behaviour=merge is not supported by airlock` };
    if (file === undefined && dir === undefined) return { changed: false, failed: true, msg: `${MODULE}: give a file (include_vars: file.yml, or file:) or dir:` };

    let paths: string[];
    try {
      if (file !== undefined) {
        const path = ctx.findFile(file, 'vars');
        if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return { changed: false, failed: true, msg: `Could not find or access '${file}' on the Ansible Controller.` };
        paths = [path];
      } else {
        const root = ctx.findFile(dir as string, 'vars');
        if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) return { changed: false, failed: true, msg: `${dir as string} directory does not exist` };
        const selection: Selection = {
          extensions: listOf(args.extensions, DEFAULT_EXTENSIONS),
          ignoreUnknown: args.ignore_unknown_extensions === true,
          ignoreFiles: regexes(listOf(args.ignore_files, []), 'ignore_files'),
          matching: args.files_matching === undefined ? undefined : (regexes([String(args.files_matching)], 'files_matching')[0] as RegExp),
        };
        paths = [];
        for (const path of filesInDir(root, typeof args.depth === 'number' ? args.depth : 0)) {
          const verdict = selected(path, selection);
          if (typeof verdict === 'string') return { changed: false, failed: true, msg: verdict };
          if (verdict) paths.push(path);
        }
      }
    } catch (error) {
      return { changed: false, failed: true, msg: `${MODULE}: ${error instanceof Error ? error.message : String(error)}` };
    }

    const variables: Record<string, unknown> = {};
    for (const path of paths) {
      try {
        Object.assign(variables, (await loadVarsFile(path)) ?? {}); // later files replace earlier ones (hash_behaviour=replace)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // the reader's errors name file:line:column already
        return { changed: false, failed: true, msg: `${MODULE}: ${message.includes(path) ? message : `${path}: ${message}`}` };
      }
    }
    const facts = typeof args.name === 'string' ? { [args.name]: variables } : variables;
    return { changed: false, data: { ansible_facts: facts, ansible_included_var_files: paths } };
  },
};
