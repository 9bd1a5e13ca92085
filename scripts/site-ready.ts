// Last step of the main job: say where the built site is and how to look at it.
import { existsSync, readdirSync } from 'node:fs';

const dist = new URL('../site/dist/', import.meta.url).pathname;
if (!existsSync(`${dist}index.html`)) {
  console.error(`The site was not built: ${dist}index.html is missing.`);
  process.exitCode = 1;
} else {
  const environments = readdirSync(new URL('../environments/', import.meta.url)).sort();
  console.log(`\nThe docs site is built: ${dist}index.html`);
  console.log(`Environments: ${environments.join(', ')}`);
  console.log('Browse it with: npx nx run site:preview   (or open the file above in a browser)');
}
