// Structured outputs are objects serialized by yamlText (@geostage/schema, the one way
// generated YAML is written); this is the one place that lays out a file of them: a comment
// header, then one or more documents separated by `---`, LF, a trailing newline.
import { yamlText } from '@geostage/schema';

/** `comments` become `# ` lines above the first document (the generated header first). */
export function yamlDocuments(comments: readonly string[], documents: readonly unknown[]): string {
  const head = comments.map((line) => (line.startsWith('#') ? line : `# ${line}`.trimEnd())).join('\n');
  const body = documents.map(yamlText).join('---\n');
  return `${head}\n${body}`;
}
