// The Handlebars environment of the Linux router renderer: templates live beside this file in
// templates/*.hbs, and every value that lands in a line goes through a quoting helper so that
// a name with a space or a quote can never change the meaning of a line.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

const handlebars = Handlebars.create();

/** A token OpenVPN reads as one argument; quoted with backslash escapes when it needs to be. */
export function openvpnQuote(value: string | number): string {
  const text = String(value);
  if (/[\r\n]/.test(text)) throw new Error(`an OpenVPN argument cannot span lines: ${JSON.stringify(text)}`);
  if (/^[A-Za-z0-9._/:@+=-]+$/.test(text)) return text;
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** An nftables string literal (interface names): always double-quoted. */
export function nftQuote(value: string): string {
  if (/["\r\n\\]/.test(value))
    throw new Error(`not representable as an nftables string: ${JSON.stringify(value)}`);
  return `"${value}"`;
}

/** A systemd unit or networkd value: one line, no leading or trailing space (systemd would trim it). */
export function systemdValue(value: string | number): string {
  const text = String(value);
  if (/[\r\n]/.test(text) || text.trim() !== text) {
    throw new Error(`not representable as a systemd value: ${JSON.stringify(text)}`);
  }
  return text;
}

handlebars.registerHelper('ovpn', (value: string | number) => openvpnQuote(value));
handlebars.registerHelper('nft', (value: string) => nftQuote(value));
handlebars.registerHelper('unit', (value: string | number) => systemdValue(value));
// Anonymous nftables sets: `{{nftSet names}}` quotes each (interfaces), `{{set values}}` does
// not (ports and prefixes, which nft reads bare).
handlebars.registerHelper('nftSet', (values: string[]) => `{ ${values.map(nftQuote).join(', ')} }`);
handlebars.registerHelper('set', (values: (string | number)[]) => `{ ${values.join(', ')} }`);

const cache = new Map<string, Handlebars.TemplateDelegate>();

/** Renders templates/<name>.hbs with the data. Templates are strict: a missing field is an error, not an empty string. */
export function render(name: string, data: object): string {
  let template = cache.get(name);
  if (!template) {
    const source = readFileSync(new URL(`./templates/${name}.hbs`, import.meta.url), 'utf8');
    template = handlebars.compile(source, { noEscape: true, strict: true });
    cache.set(name, template);
  }
  return template(data);
}
