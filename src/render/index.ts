import { type Plan } from '../model/types.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export type Format = 'text' | 'markdown' | 'json';

export const FORMATS: readonly Format[] = ['text', 'markdown', 'json'];

export function render(plan: Plan, format: Format, opts: { colour?: boolean } = {}): string {
  if (format === 'json') return renderJson(plan);
  if (format === 'markdown') return renderMarkdown(plan);
  return renderText(plan, opts);
}
