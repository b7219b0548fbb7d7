// Small builders for canonical objects in tests.
import { normalize } from '../../../src/model/normalize.js';
import { emptyObjects, emptyReserved, type ClusterState, type Desired, type Kind } from '../../../src/model/types.js';

export const src = (line: number, file = 'xcluster/clusters/west.yml') => ({ file, line, column: 3 });

export function desired(kind: Kind, name: string, body: object, extra: Partial<Desired> = {}): Desired {
  return { cluster: 'west', kind, name, body: normalize(kind, body), source: src(5), ...extra };
}

export function liveState(
  objects: Partial<Record<Kind, Record<string, { body: object; managed?: boolean }>>> = {},
  extra: Partial<ClusterState> = {},
): ClusterState {
  const state: ClusterState = {
    name: 'west',
    flavor: 'elasticsearch',
    version: '8.15.0',
    reachable: true,
    objects: emptyObjects(),
    reserved: emptyReserved(),
    remoteInfo: {},
    ...extra,
  };
  for (const [kind, byName] of Object.entries(objects) as [
    Kind,
    Record<string, { body: object; managed?: boolean }>,
  ][]) {
    for (const [name, o] of Object.entries(byName)) {
      state.objects[kind][name] = { body: normalize(kind, o.body), managed: o.managed ?? false };
    }
  }
  return state;
}
