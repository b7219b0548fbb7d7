// Writes schema/xcluster.schema.json from the zod schemas (src/config/json-schema.ts: both flavors), formatted by
// prettier so `npm run lint` accepts it. A unit test checks the committed file is up to date.
//
// Editors: add `# yaml-language-server: $schema=../../schema/xcluster.schema.json` at the top of
// a cluster file, or map `xcluster/clusters/*.yml` to it in the yaml.schemas setting.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { clusterFileJsonSchema } from '../src/config/json-schema.js';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'xcluster.schema.json');
const options = (await prettier.resolveConfig(out)) ?? {};
const text = await prettier.format(JSON.stringify(clusterFileJsonSchema(), null, 2), { ...options, filepath: out });
writeFileSync(out, text);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
