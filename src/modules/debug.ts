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
      if (verbosity > (ctx.verbosity ?? 0)) return { changed: false, skipped: true, msg: 'Verbosity threshold not met.' };
      const variable = args['var'];
      if (typeof variable === 'string') {
        if (!ctx.evaluate) throw new ModuleArgError('debug', "'var' needs an expression evaluator from the executor (ctx.evaluate)");
        let value: unknown;
        try {
          value = ctx.evaluate(variable);
        } catch {
          value = 'VARIABLE IS NOT DEFINED!';
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
