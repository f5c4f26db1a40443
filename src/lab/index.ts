// The lab enclave's public API: bring a lab up, take it down, ask how it is.
export { labUp, type LabUpOptions } from './up.js';
export { labDown, type LabDownOptions, type LabDownSummary } from './down.js';
export { labStatus, type LabStatus, type LabHostStatus } from './status.js';
export { labPaths, readLabState, type LabState, type LabHostRecord, type LabPaths } from './state.js';
export { LabPrerequisiteError } from './preflight.js';
export { labNames, MAX_HOSTS } from './naming.js';
