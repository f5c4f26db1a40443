// template: render a controller template (role templates/ first, as Ansible) with the task's variables, then deploy it
// exactly like copy's `content:` (sha256 skip, atomic rename, backup, mode/owner, --check, --diff).
import { readFile } from 'node:fs/promises';
import { decryptFileText } from '../vault/session.js';
import { failOnArgError, ModuleArgError, requireString } from './lib/common.js';
import { copyContent, fileAttributeSchema } from './copy.js';
import type { ModuleDefinition } from './lib/types.js';

export const templateModule: ModuleDefinition = {
  name: 'template',
  argsSchema: {
    type: 'object',
    properties: {
      src: { type: 'string' },
      dest: { type: 'string' },
      backup: { type: ['boolean', 'string'] },
      force: { type: ['boolean', 'string'] },
      ...fileAttributeSchema,
    },
    required: ['src', 'dest'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const src = requireString('template', args, 'src');
      const dest = requireString('template', args, 'dest');
      const localPath = ctx.findFile(src, 'templates');
      const raw = await readFile(localPath, 'utf8').catch(() => undefined);
      if (raw === undefined) throw new ModuleArgError('template', `'src' ${src} not found on the controller (looked at ${localPath})`);
      const source = decryptFileText(raw, localPath); // a vaulted template is rendered from its plaintext, as in Ansible
      let rendered: string;
      try {
        rendered = ctx.render(source);
      } catch (error) {
        throw new ModuleArgError('template', `rendering ${localPath} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      return copyContent('template', ctx, Buffer.from(rendered, 'utf8'), dest, args);
    }),
};
