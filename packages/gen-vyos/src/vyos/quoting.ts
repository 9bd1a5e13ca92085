// Quoting for VyOS `set` lines. The lines are read by vbash (a bash), so a word is written bare
// only when bash would read it back unchanged as one word; everything else is single-quoted.
// The same rule serves every word (path, tag value, leaf value), so no caller can forget it.

/** Characters bash reads literally inside a bare word (no globbing, expansion or splitting). */
const BARE = /^[A-Za-z0-9._:/@%+,=-]+$/;

/** One word of a `set` line: bare when that is safe, otherwise in single quotes. */
export function quote(word: string): string {
  // Most words are bare, and a bare word holds no line break: one test for them.
  if (BARE.test(word)) return word;
  if (/[\r\n\0]/.test(word)) {
    // A line break would end the command early and start a new one: never representable.
    throw new Error(`a VyOS value cannot contain a line break: ${JSON.stringify(word)}`);
  }
  // Inside single quotes nothing is special except the quote itself: close, escape, reopen.
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * Splits a `set` line into its words the way a POSIX shell does for the subset `quote` writes
 * (bare words, single quotes, double quotes, backslash escapes). Used to compare lines by
 * meaning rather than by spelling, e.g. after a round trip through config.boot.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated single quote: ${line}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) i++;
        word += line[i];
        i++;
      }
      if (i >= line.length) throw new Error(`unterminated double quote: ${line}`);
      inWord = true;
      i++;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
