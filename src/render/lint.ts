// What `xcluster lint` prints: how much was checked, then the findings.

import { formatSource, type Config, type Finding } from '../model/types.js';
import { type Format } from './index.js';
import { renderJson } from './json.js';
import { mdText } from './markdown-escape.js';
import { plural } from './summary.js';

function headline(config: Config, findings: Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const checked = `${plural(config.clusters.length, 'cluster')}, ${plural(config.desired.length, 'object')}`;
  return `Lint: ${checked} checked · ${plural(errors, 'error')} · ${plural(warnings, 'warning')}`;
}

const findingLine = (f: Finding): string =>
  `${f.severity} ${f.rule}${f.source ? ` (${formatSource(f.source)})` : ''}: ${f.message}`;

export function renderLint(config: Config, findings: Finding[], format: Format): string {
  if (format === 'json') return renderJson({ clusters: [], findings });
  const head = headline(config, findings);
  if (format === 'markdown')
    return [`**${head}**`, ...findings.map((f) => `- ${mdText(findingLine(f))}`), ''].join('\n');
  return [head, ...findings.map((f) => `  ${findingLine(f)}`), ''].join('\n');
}
