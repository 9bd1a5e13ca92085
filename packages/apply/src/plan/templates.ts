// The planner's own small scripts (the VyOS loaders) are Handlebars templates in templates/,
// compiled strictly, with every value passed through a quoting helper.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { shellWord } from './shell.ts';

const handlebars = Handlebars.create();
handlebars.registerHelper('sh', (value: string) => shellWord(value));

const cache = new Map<string, Handlebars.TemplateDelegate>();

/** Renders templates/<name>.hbs; a field the template names but the data lacks is an error. */
export function render(name: string, data: object): string {
  let template = cache.get(name);
  if (!template) {
    const source = readFileSync(new URL(`./templates/${name}.hbs`, import.meta.url), 'utf8');
    template = handlebars.compile(source, { noEscape: true, strict: true });
    cache.set(name, template);
  }
  return template(data);
}
