// Bundles the CLI into dist/ as one ESM file. dist/ is committed (the Action runs it), so the
// output must be byte-for-byte reproducible: no timestamps, no absolute paths.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled CommonJS dependencies call require(); give them one in ESM.
  banner: {
    js: "import { createRequire as __xcRequire } from 'node:module'; const require = __xcRequire(import.meta.url);",
  },
};

// The CLI and the Action share almost all their code: one shared chunk instead of two copies.
await build({
  ...common,
  entryPoints: { cli: 'src/bin.ts', index: 'src/main.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
