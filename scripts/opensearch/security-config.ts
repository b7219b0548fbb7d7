// Uploads the security plugin's `config` document (config.yml: authc, authz,
// auth_failure_listeners…) to one of the clusters of scripts/opensearch.sh, with the plugin's
// securityadmin.sh and the demo admin certificate (`scripts/opensearch.sh securityconfig`): the
// REST API refuses a PUT of it there, even with the admin certificate (403 "Access denied",
// test/fixtures/opensearch/2.19.4/identity/08-09). Shared by the fixture recorder and the
// integration tests.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../opensearch.sh', import.meta.url));

/** `dynamic` is `config.dynamic` as `GET /_plugins/_security/api/securityconfig` returns it. */
export function uploadSecurityConfig(cluster: 'leader' | 'follower', dynamic: Record<string, unknown>): void {
  const file = join(tmpdir(), `xcluster-security-config-${process.pid}-${Date.now()}.yml`);
  // JSON is YAML: the document as securityadmin.sh reads it from config.yml.
  writeFileSync(file, JSON.stringify({ _meta: { type: 'config', config_version: 2 }, config: { dynamic } }));
  try {
    const r = spawnSync('bash', [SCRIPT, 'securityconfig', cluster, file], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 120_000,
    });
    if (r.status !== 0)
      throw new Error(`scripts/opensearch.sh securityconfig ${cluster} failed (${r.signal ?? r.status})`);
  } finally {
    rmSync(file, { force: true });
  }
}
