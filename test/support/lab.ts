// Tests get their lab hosts from the same ensureLab() that `airlock demo` uses: see src/lab/ensure.ts.
export { ensureLab, forgetLab, type EnsureLabOptions, type LabHostInfo, type LabInfo } from '../../src/lab/ensure.js';
