// debug: print a message or a variable's value. `var:` is an expression evaluated by the executor (Ansible's
// `debug: var=result.stdout`), returned as data[<var>] the way Ansible registers it.
import { failOnArgError, ModuleArgError, optionalNumber } from './lib/common.js';
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

export const debugModule: ModuleDefinition = {
  name: 'debug',
  controllerOnly: true,
  argsSchema: {
    type: 'object',
    properties: { msg: {}, var: { type: 'string' }, verbosity: { type: ['integer', 'string'] } },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      if (args['msg'] !== undefined && args['var'] !== undefined) throw new ModuleArgError('debug', "'msg' and 'var' are mutually exclusive");
      const verbosity = optionalNumber('debug', args, 'verbosity', 0);
      if (verbosity > ctx.verbosity) return { changed: false, skipped: true, msg: 'Verbosity threshold not met.' };
      const variable = args['var'];
      if (typeof variable === 'string') {
        let value: unknown;
        try {
          value = ctx.evaluate(variable);
        } catch (error) {
          // Ansible 2.14's words: the reason (twice, as it prints it) only from -v on
          const reason = undefinedReason(error);
          value = ctx.verbosity > 0 && reason !== undefined ? `VARIABLE IS NOT DEFINED!: ${reason}. ${reason}` : 'VARIABLE IS NOT DEFINED!';
        }
        return { changed: false, data: { [variable]: value } };
      }
      const msg = args['msg'] ?? 'Hello world!';
      const result: ModuleResult = { changed: false, msg: typeof msg === 'string' ? msg : JSON.stringify(msg, null, 2) };
      // Non-string messages (lists, dicts) are kept structured for the JSON report.
      if (typeof msg !== 'string') result.data = { msg };
      return result;
    }),
};

/** "'x' is undefined" / "'dict object' has no attribute 'y'": the innermost cause of a failed evaluation. */
function undefinedReason(error: unknown): string | undefined {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : undefined;
}
