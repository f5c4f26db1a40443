// assert: evaluate each `that:` expression with the executor's Jinja evaluator; fail with fail_msg on the first false.
import { failOnArgError, ModuleArgError, optionalBool } from './lib/common.js';
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

/** Python truthiness, which Jinja conditions follow. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function conditions(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === 'boolean') return item ? 'True' : 'False';
    if (typeof item !== 'string') throw new ModuleArgError('assert', "'that' must be a string or a list of strings");
    return item;
  });
}

export const assertModule: ModuleDefinition = {
  name: 'assert',
  controllerOnly: true,
  argsSchema: {
    type: 'object',
    properties: {
      that: { type: ['string', 'array', 'boolean'], items: { type: ['string', 'boolean'] } },
      fail_msg: { type: 'string' },
      msg: { type: 'string' },
      success_msg: { type: 'string' },
      quiet: { type: ['boolean', 'string'] },
    },
    required: ['that'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      for (const condition of conditions(args['that'])) {
        let value: unknown;
        try {
          value = condition === 'True' ? true : condition === 'False' ? false : ctx.evaluate(condition);
        } catch (error) {
          return { changed: false, failed: true, msg: `assert: evaluating '${condition}' failed: ${error instanceof Error ? error.message : String(error)}`, data: { assertion: condition } };
        }
        if (!truthy(value)) {
          const failMsg = args['fail_msg'] ?? args['msg'];
          return { changed: false, failed: true, msg: typeof failMsg === 'string' ? failMsg : 'Assertion failed', data: { assertion: condition, evaluated_to: false } };
        }
      }
      const quiet = optionalBool('assert', args, 'quiet', false);
      const success = typeof args['success_msg'] === 'string' ? args['success_msg'] : 'All assertions passed';
      // quiet: no success message in the report, as Ansible's quiet output.
      const result: ModuleResult = { changed: false };
      if (!quiet) result.msg = success;
      return result;
    }),
};
