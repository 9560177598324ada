/**
 * A small reader of protobuf text format, enough for Triton's config.pbtxt: scalar fields, nested messages
 * (`name { ... }` or `name: { ... }`), lists (`[1, 2]`), repeated fields, comments. Every field maps to the
 * list of its values, since any field may repeat.
 */

/** A value: a number, string, identifier (enum) or nested message. */
export type PbtxtValue = number | string | PbtxtMessage;
/** A message: field name → every value it was given, in order. */
export interface PbtxtMessage {
  [field: string]: PbtxtValue[];
}

type Token = { kind: 'punct'; text: string } | { kind: 'string'; text: string } | { kind: 'word'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
    else if ('{}[]:,;<>'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) {
          const next = text[j + 1]!;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          j += 2;
        } else value += text[j++];
      }
      if (j >= text.length) throw new Error('unterminated string in config.pbtxt');
      tokens.push({ kind: 'string', text: value });
      i = j + 1;
    } else {
      const m = /^[A-Za-z0-9_.+-]+/.exec(text.slice(i));
      if (!m) throw new Error(`unexpected character ${JSON.stringify(c)} in config.pbtxt`);
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

/** Parses protobuf text format into nested messages. */
export function parsePbtxt(text: string): PbtxtMessage {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const take = (): Token => {
    const t = tokens[pos++];
    if (!t) throw new Error('config.pbtxt ends unexpectedly');
    return t;
  };
  const isPunct = (t: Token | undefined, p: string): boolean => t?.kind === 'punct' && t.text === p;

  const scalar = (t: Token): number | string => {
    if (t.kind === 'string') return t.text;
    if (t.kind === 'word') return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t.text) ? Number(t.text) : t.text;
    throw new Error(`unexpected ${JSON.stringify(t.text)} in config.pbtxt`);
  };
  const value = (): PbtxtValue => {
    const t = peek();
    if (isPunct(t, '{') || isPunct(t, '<')) {
      const close = take().text === '{' ? '}' : '>';
      return message(close);
    }
    return scalar(take());
  };
  const message = (close: string | undefined): PbtxtMessage => {
    const out: PbtxtMessage = {};
    for (;;) {
      const t = peek();
      if (t === undefined) {
        if (close) throw new Error(`config.pbtxt: missing "${close}"`);
        return out;
      }
      if (close && isPunct(t, close)) {
        pos++;
        return out;
      }
      if (isPunct(t, ',') || isPunct(t, ';')) {
        pos++;
        continue;
      }
      const name = take();
      if (name.kind !== 'word') throw new Error(`config.pbtxt: expected a field name, got ${JSON.stringify(name.text)}`);
      if (isPunct(peek(), ':')) pos++;
      const values = (out[name.text] ??= []);
      if (isPunct(peek(), '[')) {
        pos++;
        while (!isPunct(peek(), ']')) {
          if (isPunct(peek(), ',')) {
            pos++;
            continue;
          }
          values.push(value());
        }
        pos++;
      } else values.push(value());
    }
  };
  return message(undefined);
}

/** The first value of a field as a number (or `fallback`). */
export function numberField(msg: PbtxtMessage | undefined, field: string, fallback = 0): number {
  const v = msg?.[field]?.[0];
  return typeof v === 'number' ? v : fallback;
}

/** The first value of a field as a string (or `fallback`). */
export function stringField(msg: PbtxtMessage | undefined, field: string, fallback = ''): string {
  const v = msg?.[field]?.[0];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}

/** The first value of a field as a nested message. */
export function messageField(msg: PbtxtMessage | undefined, field: string): PbtxtMessage | undefined {
  const v = msg?.[field]?.[0];
  return typeof v === 'object' ? v : undefined;
}
