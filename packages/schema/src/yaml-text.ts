// The one way generated files are written as YAML (netplan, kubeadm, manifests): js-yaml's dump,
// configured to write what `yaml`'s stringify wrote before (double quotes where a string needs
// them, block style, two-space indent, never a folded line, no &anchors), about twice as fast,
// which counts for the 20,000 YAML files of a 1,000-site environment. yaml-text.test.ts checks
// that both write the same text and that the text reads back to the value.
import { dump } from 'js-yaml';

const OPTIONS = {
  // Never fold long strings (peer arguments, embedded JSON): one changed value, one changed line.
  lineWidth: -1,
  // A shared object (a label set) is written out each time, never as an &anchor.
  noRefs: true,
  quoteStyle: 'double',
} as const;

/** One YAML document (no `---`), ending in a newline. */
export function yamlText(value: unknown): string {
  return dump(value, OPTIONS);
}
