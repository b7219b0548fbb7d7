// Version numbers as the servers report them in `GET /` ("8.19.5", "9.1.0-SNAPSHOT"), compared by
// their numbers; and the wire rule the transport layer enforces between two nodes.

const VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/;

/** major, minor, patch; undefined for what is not a version number. */
function partsOf(version: string): [number, number, number] | undefined {
  const m = VERSION.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** "8.15.3" → "8.15"; undefined for what is not a version number. */
export function minorOf(version: string): string | undefined {
  const parts = partsOf(version);
  return parts ? `${parts[0]}.${parts[1]}` : undefined;
}

/** "8.15.3" → 8; undefined for what is not a version number. */
export const majorOf = (version: string): number | undefined => partsOf(version)?.[0];

/** Negative, zero or positive as `a` is older than, the same as or newer than `b`; undefined if either is no version. */
export function compareVersions(a: string, b: string): number | undefined {
  const [x, y] = [partsOf(a), partsOf(b)];
  if (!x || !y) return undefined;
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** A cluster's version and the oldest version its transport layer accepts. */
export interface WireVersions {
  version: string;
  minimumWireVersion?: string;
}

const accepts = (node: WireVersions, other: WireVersions): boolean | undefined => {
  if (node.minimumWireVersion === undefined) return undefined;
  const order = compareVersions(other.version, node.minimumWireVersion);
  return order === undefined ? undefined : order >= 0;
};

/**
 * Do the transport layers of `a` and `b` accept each other? Each one's version must be at least
 * the other's minimum wire compatibility version (the handshake checks both ways). Undefined
 * when a minimum wire version is unknown.
 */
export function wireAccepts(a: WireVersions, b: WireVersions): boolean | undefined {
  const [ab, ba] = [accepts(a, b), accepts(b, a)];
  return ab === undefined || ba === undefined ? undefined : ab && ba;
}
