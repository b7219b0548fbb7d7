// An object expanded from an intent: the diff keeps the intent on the change, and every renderer
// says "from intent <name>" next to the source (JSON: an optional "intent" field on the change).

import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/drift/plan.js';
import { type Config } from '../../src/model/types.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { desired, liveState, src } from './helpers/model.js';

const INTENTS = 'xcluster/intents.yml';

function plan() {
  const fromIntent = { source: src(2, INTENTS), intent: 'orders' };
  const config: Config = {
    dir: 'xcluster',
    clusters: [],
    transports: {},
    desired: [
      desired('role', 'remote-replication', { cluster: ['manage_ccr'] }, fromIntent),
      desired('user', 'cross-cluster-user', { roles: ['remote-replication'] }, fromIntent),
      desired('role', 'hand-written', { cluster: ['monitor'] }),
    ],
  };
  const live = liveState({ role: { 'remote-replication': { body: { cluster: ['read_ccr'] } } } });
  return buildPlan(config, [live]);
}

describe('changes from intents', () => {
  it('carry the intent from the desired object, on creates and updates alike', () => {
    const changes = plan().clusters[0]!.changes;
    expect(changes.map((c) => [c.action, c.name, c.intent])).toEqual([
      ['update', 'remote-replication', 'orders'],
      ['create', 'hand-written', undefined],
      ['create', 'cross-cluster-user', 'orders'],
    ]);
  });

  it('text and markdown say "from intent orders" next to the source; hand-written objects do not', () => {
    for (const out of [renderText(plan()), renderMarkdown(plan())]) {
      expect(out).toContain(`role remote-replication  (${INTENTS}:2, from intent orders)`);
      expect(out).toContain(`user cross-cluster-user  (${INTENTS}:2, from intent orders)`);
      expect(out).toContain('role hand-written  (xcluster/clusters/west.yml:5)');
    }
  });

  it('JSON has an optional "intent" on the change', () => {
    const changes = JSON.parse(renderJson(plan())).clusters[0].changes as Record<string, unknown>[];
    expect(changes.find((c) => c.name === 'remote-replication')).toMatchObject({
      source: `${INTENTS}:2`,
      intent: 'orders',
    });
    expect(changes.find((c) => c.name === 'hand-written')).not.toHaveProperty('intent');
  });
});
