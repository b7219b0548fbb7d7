// Runs the bundled Action (dist/index.js) locally as a runner would: inputs and context from
// .env (or .env.example), the job summary and outputs in .tmp/action-local/, then prints them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const envFile = existsSync('.env') ? '.env' : '.env.example';
const vars = Object.fromEntries(
  readFileSync(envFile, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const dir = resolve('.tmp/action-local');
mkdirSync(dir, { recursive: true });
const files = { GITHUB_STEP_SUMMARY: `${dir}/summary.md`, GITHUB_OUTPUT: `${dir}/output` };
for (const f of Object.values(files)) writeFileSync(f, '');

console.log(`action:local: inputs from ${envFile}`);
const run = spawnSync(process.execPath, ['dist/index.js'], {
  stdio: 'inherit',
  env: { ...process.env, ...vars, ...files, RUNNER_TEMP: dir },
});
console.log(`\n--- job summary (${files.GITHUB_STEP_SUMMARY}) ---\n${readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')}`);
console.log(`--- outputs (${files.GITHUB_OUTPUT}) ---\n${readFileSync(files.GITHUB_OUTPUT, 'utf8')}`);
process.exitCode = run.status ?? 1;
