// Tag selection exactly as Ansible's Taggable.evaluate_tags: `always` runs unless skipped by name, `never` runs only
// when asked for by one of its other tags, `all`/`tagged`/`untagged` are the special selectors.

export interface TagSelection {
  /** --tags (empty = everything, i.e. ['all']) */
  only: string[];
  /** --skip-tags */
  skip: string[];
}

export function shouldRunForTags(taskTags: readonly string[], selection: TagSelection): boolean {
  const tags = new Set(taskTags);
  const only = selection.only.length > 0 ? selection.only : ['all'];
  const hasAny = (list: readonly string[]): boolean => list.some((tag) => tags.has(tag));
  let run = false;
  if (tags.has('always')) run = true;
  else if (only.includes('all') && !tags.has('never')) run = true;
  else if (only.includes('tagged') && tags.size > 0 && !tags.has('never')) run = true;
  else if (only.includes('untagged') && tags.size === 0) run = true;
  else if (hasAny(only)) run = true;
  if (!run || selection.skip.length === 0) return run;
  if (selection.skip.includes('all')) return tags.has('always') && !selection.skip.includes('always');
  if (hasAny(selection.skip)) return false;
  if (selection.skip.includes('tagged') && tags.size > 0) return false;
  if (selection.skip.includes('untagged') && tags.size === 0) return false;
  return true;
}
