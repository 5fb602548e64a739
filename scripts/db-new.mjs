// `npm run db:new <name> [module]`: creates an empty dated migration file (frozen once committed).
import fs from 'node:fs';
import path from 'node:path';

const [name, module] = process.argv.slice(2);
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:new <snake_case_name> [module]');
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 13); // 20261123T0412
const dir = module
  ? path.join('apps/server/src/modules', module, 'migrations')
  : path.join('apps/server/src/db/migrations');
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, `${stamp}_${name}.sql`);
if (fs.existsSync(file)) {
  console.error(`${file} exists`);
  process.exit(1);
}
fs.writeFileSync(file, `-- ${name}\n`);
console.log(file);
