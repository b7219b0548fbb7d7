// The forms a secret travels in, written out independently of src/model/redact.ts, so that
// tests check the redactor against what a server, a header or a JSON report would really hold.

/** Distinctive secrets: a quote, a backslash, a percent sign, a slash and non-ASCII letters. */
export const LEAK_SECRETS = {
  connectionPassword: 'Sécr"et\\pa%ss/wörd-9f3',
  apiKey: 'ÄpiKéy"\\%2F/+=tôken-7c1',
  userPassword: 'Üser"pässw\\ord%20/ñ-4e8',
} as const;

export interface SecretForm {
  encoding: string;
  text: string;
}

const jsonEscaped = (s: string): string => JSON.stringify(s).slice(1, -1);

/** `application/x-www-form-urlencoded`: spaces as `+`, more characters escaped than encodeURIComponent. */
const formEncoded = (s: string): string => new URLSearchParams({ v: s }).toString().slice(2);

/**
 * raw, JSON-escaped, doubly JSON-escaped, URL-encoded (encodeURIComponent and form-style), and,
 * given the user name, the base64 of `user:password` that a Basic header carries.
 */
export function secretForms(secret: string, username?: string): SecretForm[] {
  const forms: SecretForm[] = [
    { encoding: 'raw', text: secret },
    { encoding: 'json', text: jsonEscaped(secret) },
    { encoding: 'json-twice', text: jsonEscaped(jsonEscaped(secret)) },
    { encoding: 'uri-component', text: encodeURIComponent(secret) },
    { encoding: 'form', text: formEncoded(secret) },
  ];
  if (username !== undefined) {
    forms.push({ encoding: 'basic-base64', text: Buffer.from(`${username}:${secret}`, 'utf8').toString('base64') });
  }
  return forms;
}

/** The forms of `forms` that occur in `text`. */
export const formsIn = (text: string, forms: SecretForm[]): string[] =>
  forms.filter((f) => text.includes(f.text)).map((f) => f.encoding);
