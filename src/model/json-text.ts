// JSON text in a canonical form, without going through JavaScript numbers: a DLS query is stored
// by the server as text, and `JSON.parse` would turn `9007199254740993` into `…992` (a different
// account), so the text is normalised token by token instead. Keys sorted (as sortKeys does),
// the last of duplicate keys wins (as in JSON.parse), whitespace dropped, strings re-escaped the
// one way JSON.stringify does; every number kept exactly as written. Pure.

/** Nesting beyond this is not a query anyone writes: such text is compared as it is. */
const MAX_DEPTH = 200;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in a string
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const WHITESPACE = /[ \t\n\r]*/y;

class NotJson extends Error {}

/** A cursor over the text, one JSON value at a time. */
class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  private skip(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  private match(re: RegExp): string {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) throw new NotJson();
    this.pos = re.lastIndex;
    return m[0];
  }

  private expect(char: string): void {
    this.skip();
    if (this.text[this.pos] !== char) throw new NotJson();
    this.pos++;
  }

  /** Whether the next character is `char` (consumed if so). */
  private take(char: string): boolean {
    this.skip();
    if (this.text[this.pos] !== char) return false;
    this.pos++;
    return true;
  }

  value(depth: number): string {
    if (depth > MAX_DEPTH) throw new NotJson();
    this.skip();
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return JSON.stringify(JSON.parse(this.match(STRING)) as string);
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return word;
      }
    }
    return this.match(NUMBER);
  }

  private object(depth: number): string {
    this.pos++;
    const members = new Map<string, string>();
    if (!this.take('}')) {
      do {
        this.skip();
        const key = JSON.parse(this.match(STRING)) as string;
        this.expect(':');
        members.delete(key); // the last one wins, in the last one's place: sorted anyway
        members.set(key, this.value(depth + 1));
      } while (this.take(','));
      this.expect('}');
    }
    const keys = [...members.keys()].sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${members.get(k)!}`).join(',')}}`;
  }

  private array(depth: number): string {
    this.pos++;
    const items: string[] = [];
    if (!this.take(']')) {
      do items.push(this.value(depth + 1));
      while (this.take(','));
      this.expect(']');
    }
    return `[${items.join(',')}]`;
  }

  end(): void {
    this.skip();
    if (this.pos !== this.text.length) throw new NotJson();
  }
}

/**
 * The canonical text of a JSON document, or undefined when `text` is not JSON (a DLS template
 * such as `${user.name}` outside quotes is compared as it is written).
 */
export function canonicalJsonText(text: string): string | undefined {
  const reader = new Reader(text);
  try {
    const out = reader.value(0);
    reader.end();
    return out;
  } catch (err) {
    if (err instanceof NotJson || err instanceof SyntaxError) return undefined;
    throw err;
  }
}
