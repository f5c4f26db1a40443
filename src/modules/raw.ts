// raw: send the text to the host's login shell as written (bootstrap, hosts without coreutils). No check mode: in
// --check it is skipped, as Ansible does, because airlock cannot know what arbitrary text would change.
import { failOnArgError, optionalString, requireString } from './lib/common.js';
import { rawModuleLine } from './lib/command-line.js';
import { runCommandLine } from './lib/run-command.js';
import type { ModuleDefinition } from './lib/types.js';

export const rawModule: ModuleDefinition = {
  name: 'raw',
  freeFormArg: 'cmd',
  argsSchema: {
    type: 'object',
    properties: { cmd: { type: 'string' }, executable: { type: 'string' } },
    required: ['cmd'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const text = requireString('raw', args, 'cmd');
      if (ctx.check) return { changed: false, skipped: true, msg: 'raw does not support check mode', data: { cmd: text } };
      const result = await runCommandLine(ctx, rawModuleLine(text, optionalString('raw', args, 'executable')), {}, text);
      // raw reports failure like the others but leaves stdout untouched beyond the trailing newline.
      return result;
    }),
};
