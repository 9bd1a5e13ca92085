// Handlebars for line formats (haproxy.cfg, keepalived.conf): templates sit beside their
// renderer, and every value goes through a quoting helper, never in raw.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

// A bare word both formats read literally; anything else is double-quoted with escapes.
const BARE = /^[A-Za-z0-9._:/@%+-]+$/;

export function quoteWord(value: unknown): string {
  const text = String(value);
  if (BARE.test(text)) return text;
  return `"${text.replace(/[\\"$]/g, (character) => `\\${character}`)}"`;
}

const handlebars = Handlebars.create();
handlebars.registerHelper('word', (value: unknown) => quoteWord(value));

/** Compiles a template file next to `base` (an import.meta.url). */
export function compileTemplate(base: string, file: string): (context: object) => string {
  const source = readFileSync(new URL(file, base), 'utf8');
  // noEscape: these are not HTML; quoting is the `word` helper's job. strict: a missing
  // field is an error, not an empty string in a config file.
  return handlebars.compile(source, { noEscape: true, strict: true });
}
