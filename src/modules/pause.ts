// pause: wait seconds/minutes on the controller, cut short when the run is interrupted. Interactive prompts are not
// supported (airlock runs unattended); a prompt without a duration is a user error, not a silent hang.
import { abortableSleep, failOnArgError, ModuleArgError, optionalNumber } from './lib/common.js';
import type { ModuleDefinition } from './lib/types.js';

export const pauseModule: ModuleDefinition = {
  name: 'pause',
  controllerOnly: true,
  argsSchema: {
    type: 'object',
    properties: {
      seconds: { type: ['number', 'string'] },
      minutes: { type: ['number', 'string'] },
      prompt: { type: 'string' },
      echo: { type: ['boolean', 'string'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const seconds = optionalNumber('pause', args, 'seconds', 0) + optionalNumber('pause', args, 'minutes', 0) * 60;
      if (args['seconds'] === undefined && args['minutes'] === undefined) {
        throw new ModuleArgError('pause', "interactive prompts are not supported; give 'seconds' or 'minutes'");
      }
      if (seconds < 0) throw new ModuleArgError('pause', 'the duration must not be negative');
      const started = Date.now();
      try {
        await abortableSleep(seconds * 1000, ctx.signal);
      } catch {
        return { changed: false, failed: true, msg: 'pause: interrupted', data: { delta: Math.round((Date.now() - started) / 1000) } };
      }
      return { changed: false, msg: `Paused for ${seconds} seconds`, data: { delta: Math.round((Date.now() - started) / 1000), stop: Date.now(), user_input: '' } };
    }),
};
