// The GitHub Action entry. For now it runs the plan (mode: plan) and writes the report to the
// log, the job summary and the outputs; comments, apply and the drift issue come with src/github/.

import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCode, planJob } from './job.js';
import { ConfigErrors } from './model/errors.js';
import { redact } from './model/redact.js';
import { renderJson } from './render/json.js';
import { renderMarkdown } from './render/markdown.js';
import { summarize } from './render/summary.js';
import { renderText } from './render/text.js';

async function main(): Promise<void> {
  const mode = core.getInput('mode', { required: true });
  if (mode !== 'plan') throw new Error(`mode "${mode}" is not supported yet: use "plan"`);
  const clusters = core.getMultilineInput('clusters').flatMap((l) =>
    l
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const { plan } = await planJob({
    config: core.getInput('config') || 'xcluster',
    clusters: clusters.length ? clusters : undefined,
    log: (line) => core.info(redact(line)),
  });
  core.info(redact(renderText(plan)));
  const dir = join(process.env.RUNNER_TEMP ?? '.', 'xcluster');
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, 'plan.json');
  const reportPath = join(dir, 'report.md');
  const markdown = redact(renderMarkdown(plan));
  writeFileSync(jsonPath, redact(renderJson(plan)));
  writeFileSync(reportPath, markdown);
  await core.summary.addRaw(markdown).write();
  const s = summarize(plan);
  core.setOutput('has-changes', String(s.create + s.update + s.delete > 0));
  core.setOutput('changes', String(s.create + s.update + s.delete));
  core.setOutput('errors', String(s.errors));
  core.setOutput('plan-json', jsonPath);
  core.setOutput('report', reportPath);
  if (exitCode(plan, false) !== 0)
    core.setFailed(`xcluster: ${s.errors} error finding(s), ${s.unreachable} unreachable cluster(s)`);
}

main().catch((e: unknown) => {
  const message =
    e instanceof ConfigErrors ? e.errors.map((x) => x.message).join('\n') : e instanceof Error ? e.message : String(e);
  core.setFailed(redact(message));
});
