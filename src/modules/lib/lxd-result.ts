// LXD modules report both kinds of user-facing failure the same way: a wrong argument, or lxc refusing (with its message).
import { ModuleArgError } from './common.js';
import type { ModuleResult } from './types.js';
import { LxcError } from './lxc.js';

export async function lxdModuleResult(run: () => Promise<ModuleResult>): Promise<ModuleResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ModuleArgError || error instanceof LxcError) return { changed: false, failed: true, msg: error.message };
    throw error;
  }
}
