// Starts the real Elasticsearch clusters once per integration run (scripts/elasticsearch.sh) and
// stops them at the end. The OpenSearch pair is started by its own test files.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/elasticsearch.sh', import.meta.url));

function run(command: 'start' | 'stop'): void {
  const r = spawnSync('bash', [SCRIPT, command], { cwd: ROOT, stdio: 'inherit', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`scripts/elasticsearch.sh ${command} failed (${r.signal ?? `exit ${r.status}`})`);
}

export function setup(): void {
  // External clusters (the official Docker images, README "Integration tests") are neither started nor stopped.
  if (process.env.XCLUSTER_ELASTICSEARCH_EXTERNAL === '1') return;
  run('start');
}

export function teardown(): void {
  if (process.env.XCLUSTER_ELASTICSEARCH_EXTERNAL === '1') return;
  if (process.env.XCLUSTER_KEEP_CLUSTERS === '1') return;
  run('stop');
}
