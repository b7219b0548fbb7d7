// The flavor registry: one entry per server dialect. A new flavor (OpenSearch) adds itself here
// and nowhere else.

import { type Flavor } from '../model/types.js';
import { elasticsearch } from './elasticsearch.js';
import { type FlavorAdapter } from './flavor.js';
import { opensearch } from './opensearch.js';

export const flavors: Record<Flavor, FlavorAdapter> = {
  elasticsearch,
  opensearch,
};
