// Named placeholders for secrets. Generated files never hold a private key: where a device
// format embeds one, the file carries `@secret:<name>@` and apply fills it from
// environments/<env>/secrets/<name> at upload time (and refuses a file with one left unfilled).
export const SECRET_PLACEHOLDER = /@secret:([A-Za-z0-9._/-]+)@/g;

/** The placeholder for a secret stored at environments/<env>/secrets/<name>. */
export function secretPlaceholder(name: string): string {
  return `@secret:${name}@`;
}

/** The secret names a text refers to, sorted and without repeats. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(SECRET_PLACEHOLDER)].map((match) => match[1]!))].sort();
}
