// Python's fnmatch.fnmatch on POSIX (case-sensitive): shell-style patterns (*, ?, [seq], [!seq]) matched against a
// whole file name, as find's `patterns` are. Translated to a RegExp the way fnmatch.translate does.

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

export function fnmatchRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else if (char === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j += 1;
      if (pattern[j] === ']') j += 1;
      while (j < pattern.length && pattern[j] !== ']') j += 1;
      if (j >= pattern.length) {
        source += '\\[';
      } else {
        let set = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        else if (set.startsWith('^')) set = `\\${set}`;
        source += `[${set.replace(/\[/g, '\\[')}]`;
        i = j;
      }
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
}

export function fnmatch(name: string, pattern: string): boolean {
  return fnmatchRegExp(pattern).test(name);
}
