// Structured outputs are objects serialized by `yaml`; this is the one place that decides how:
// a comment header, then one or more documents separated by `---`, LF, a trailing newline.
import { stringify } from 'yaml';

// lineWidth 0: never fold long strings (peer arguments, embedded JSON), so a diff shows
// one changed line for one changed value.
// aliasDuplicateObjects false: a shared object (a label set) is written out each time, no &anchors.
const OPTIONS = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false } as const;

/** `comments` become `# ` lines above the first document (the generated header first). */
export function yamlDocuments(comments: readonly string[], documents: readonly unknown[]): string {
  const head = comments.map((line) => (line.startsWith('#') ? line : `# ${line}`.trimEnd())).join('\n');
  const body = documents.map((document) => stringify(document, OPTIONS)).join('---\n');
  return `${head}\n${body}`;
}
