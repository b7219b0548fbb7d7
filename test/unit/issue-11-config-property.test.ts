// Issue 11, acceptance 2: the config loader against random input. Whatever the YAML of a pull
// request holds (random documents, names in any script with control characters, lone surrogates,
// `__proto__` and its friends, invalid UTF-8, deep nesting, alias bombs and loops), loadConfig
// returns a Config or throws ConfigErrors whose every error is located (file:line:column); it
// never throws anything else, and never changes Object.prototype. Each property is bounded by
// fast-check's interruptAfterTimeLimit and by the test's own timeout; no assertion is about speed.

import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError, ConfigErrors } from '../../src/model/errors.js';
import { clusterFile, writeConfigDir } from './helpers/config-dir.js';

type Obj = Record<string, unknown>;

/** Object.prototype as it was before any case: its own names and what each of them holds. */
const PROTOTYPE = new Map(
  Object.getOwnPropertyNames(Object.prototype).map((k) => [k, Object.getOwnPropertyDescriptor(Object.prototype, k)]),
);

/** Object.prototype exactly as before, and no key tried answers on a fresh object unless it did before. */
function expectPrototypeUntouched(keys: Iterable<string>): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual([...PROTOTYPE.keys()].sort());
  for (const [k, descriptor] of PROTOTYPE)
    expect(Object.getOwnPropertyDescriptor(Object.prototype, k)).toEqual(descriptor);
  for (const k of keys) if (!PROTOTYPE.has(k)) expect(({} as Obj)[k], k).toBeUndefined();
}

/** One folder for all cases of this file: each case rewrites its files. */
const dir = writeConfigDir({ 'clusters/east.yml': clusterFile('east') });
afterAll(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

let cases = 0;
afterAll(() => {
  // The figure the README quotes: how many random configurations the loader went through.
  console.log(`issue 11 acceptance 2: the config loader ran ${cases} random cases`);
});

/** Loads west.yml (and intents.yml when given) as written; checks what the loader may do with them. */
function loadsOrRefusesCleanly(west: string | Uint8Array, intents: string | undefined, keys: string[]): void {
  cases++;
  writeFileSync(path.join(dir, 'clusters', 'west.yml'), west);
  const intentsPath = path.join(dir, 'intents.yml');
  if (intents === undefined) rmSync(intentsPath, { force: true });
  else writeFileSync(intentsPath, intents);
  try {
    loadConfig(dir);
  } catch (e) {
    if (!(e instanceof ConfigErrors)) throw e;
    for (const error of e.errors) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.source, error.message).toMatchObject({
        file: expect.any(String) as unknown,
        line: expect.any(Number) as unknown,
      });
    }
  }
  expectPrototypeUntouched(keys);
}

// ---------------------------------------------------------------------------------------------
// What a hostile or careless author writes

const TRICKY = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  '.',
  '..',
  '',
  ' ',
  'a:b',
  'caf\uFFFD',
  'a\u0000b',
  'x\ud800',
  '\udc00y',
  'seeds',
  'mode',
  'x'.repeat(1025),
];

/** Names of any kind: tricky ones, ASCII, any code point (lone surrogates and controls included). */
const name = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(name, fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(name, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));

const sectionOf = (body: fc.Arbitrary<unknown>) => fc.dictionary(name, body, { maxKeys: 3, noNullPrototype: true });

/** A cluster file with a valid connection and random sections, names and bodies. */
const clusterBody = fc.record(
  {
    roles: sectionOf(fc.oneof(value, fc.record({ cluster: fc.array(name, { maxLength: 3 }) }))),
    users: sectionOf(fc.oneof(value, fc.record({ roles: fc.array(name, { maxLength: 3 }) }))),
    role_mappings: sectionOf(value),
    remote_clusters: sectionOf(fc.oneof(value, fc.record({ seeds: fc.constant(['a.example.com:9300']) }))),
    internal_users: sectionOf(value),
    metadata: value,
  },
  { requiredKeys: [] },
);

/** An intents file with random names where the intent names objects. */
const intentsFile = fc
  .record({
    intentName: name,
    role: name,
    user: name,
    alias: fc.option(name, { nil: undefined }),
    kind: fc.constantFrom('replication', 'search'),
  })
  .map(({ intentName, role, user, alias, kind }) =>
    stringify(
      kind === 'replication'
        ? {
            replication: [
              {
                name: intentName,
                security: 'certificate',
                leader: { cluster: 'east', indices: ['leader-index'] },
                follower: { cluster: 'west', indices: ['follower-index'] },
                role,
                user: { name: user },
                ...(alias !== undefined ? { alias } : {}),
              },
            ],
          }
        : {
            search: [
              {
                name: intentName,
                security: 'certificate',
                local: 'west',
                remote: 'east',
                indices: ['logs-*'],
                role,
                user: { name: user },
              },
            ],
          },
    ),
  );

/** Keys of a generated value, at every depth: what must not have reached Object.prototype. */
function keysOf(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => keysOf(x, out));
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      keysOf(x, out);
    }
  } else if (typeof v === 'string') out.push(v);
  return out;
}

/**
 * Nested collections as YAML text, `depth` deep, in one of the shapes the parser nests: flow
 * sequences and maps, compact block sequences (`- - - x`), and block maps indented one more
 * column a level (capped: their text grows with the square of the depth).
 */
function nested(shape: 'flow' | 'flowmap' | 'block' | 'indent', depth: number): string {
  if (shape === 'flow') return '['.repeat(depth) + ']'.repeat(depth);
  if (shape === 'flowmap') return '{a: '.repeat(depth) + '1' + '}'.repeat(depth);
  if (shape === 'block') return `\n        ${'- '.repeat(depth)}x`;
  const levels = Math.min(depth, 400);
  return Array.from({ length: levels }, (_, i) => `\n${' '.repeat(i + 8)}k:`).join('') + ' x';
}

/** A billion-laughs document: `levels` anchors, each aliasing the previous one `width` times. */
function aliasBomb(levels: number, width: number): string {
  const lines = ['l0: &l0 [lol]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n') + '\n';
}

const PROPERTY_TIME = 8_000;
const params = (numRuns: number) => ({ numRuns, plugins: [fc.interruptAfterTimeLimit(PROPERTY_TIME)] });

describe('issue 11 acceptance 2: the config loader, property-based', () => {
  it('issue 11 acceptance 2: random cluster files and intents: a Config, or located ConfigErrors only; Object.prototype untouched', () => {
    fc.assert(
      fc.property(clusterBody, fc.option(intentsFile, { nil: undefined }), (body, intents) => {
        const west = clusterFile('west', stringify(body));
        loadsOrRefusesCleanly(west, intents, [...keysOf(body), ...TRICKY]);
      }),
      params(250),
    );
  }, 30_000);

  it('issue 11 acceptance 2: random text and random bytes as YAML: located ConfigErrors only', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ maxLength: 200 }).map((s) => clusterFile('west', s)),
      fc.uint8Array({ maxLength: 200 }),
      fc.tuple(fc.uint8Array({ maxLength: 8 }), fc.nat(400)).map(([bytes, at]) => {
        const valid = Buffer.from(clusterFile('west', 'roles:\n  r:\n    cluster: [monitor]\n'));
        const cut = Math.min(at, valid.length);
        return Buffer.concat([valid.subarray(0, cut), bytes, valid.subarray(cut)]);
      }),
    );
    fc.assert(
      fc.property(text, fc.option(fc.string({ unit: 'binary', maxLength: 100 }), { nil: undefined }), (west, intents) =>
        loadsOrRefusesCleanly(west, intents, TRICKY),
      ),
      params(250),
    );
  }, 30_000);

  it('issue 11 acceptance 2: deep nesting (up to 20,000 levels), alias bombs and alias loops: located ConfigErrors, bounded', () => {
    const hostile = fc.oneof(
      fc
        .record({
          shape: fc.constantFrom('flow', 'flowmap', 'block', 'indent'),
          depth: fc.integer({ min: 1, max: 20_000 }),
        })
        .map(({ shape, depth }) => `roles:\n  r:\n    metadata:\n      deep: ${nested(shape, depth)}\n`),
      fc
        .record({ levels: fc.integer({ min: 1, max: 12 }), width: fc.integer({ min: 1, max: 12 }) })
        .map(
          ({ levels, width }) => `roles:\n  r:\n    metadata:\n${aliasBomb(levels, width).replace(/^/gm, '      ')}`,
        ),
      fc
        .record({
          anchors: fc.integer({ min: 1, max: 40 }),
          depth: fc.integer({ min: 1, max: 60 }),
          loop: fc.boolean(),
        })
        .map(({ anchors, depth, loop }) => {
          const lines = [`x0: &x0 ${'['.repeat(depth)}${loop ? '*x0' : ''}${']'.repeat(depth)}`];
          for (let i = 1; i < anchors; i++)
            lines.push(`x${i}: &x${i} ${'['.repeat(depth)}*x${i - 1}${']'.repeat(depth)}`);
          return `roles:\n  r:\n    metadata:\n${lines.map((l) => `      ${l}\n`).join('')}`;
        }),
    );
    fc.assert(
      fc.property(hostile, fc.boolean(), (body, asIntents) => {
        // The same text as a cluster file's section, or as the whole intents file.
        if (asIntents) loadsOrRefusesCleanly(clusterFile('west'), body, TRICKY);
        else loadsOrRefusesCleanly(clusterFile('west', body), undefined, TRICKY);
      }),
      params(60),
    );
  }, 30_000);
});
