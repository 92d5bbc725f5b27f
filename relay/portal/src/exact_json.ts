// The API's numbers as the relay sent them. JSON.parse makes `12.50` 12.5 and
// 38 nines 1e+38, and prices must show as stored (docs/api.md, "Numbers").
// A number whose text carries more than a JavaScript number keeps (trailing
// zeros of its scale, digits past double precision, plain digits where
// JavaScript would print an exponent) becomes an ExactNumber:
// it prints as its text, serializes back as the same JSON number and still
// works in arithmetic and comparisons. Every other number stays a number.

type RawJson = (text: string) => unknown;
const rawJSON: RawJson | undefined = (JSON as unknown as { rawJSON?: RawJson }).rawJSON;

export class ExactNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  valueOf(): number {
    return Number(this.text);
  }
  toFixed(digits: number): string {
    return Number(this.text).toFixed(digits);
  }
  toJSON(): unknown {
    return rawJSON ? rawJSON(this.text) : Number(this.text);
  }
}

// sign, significant digits and exponent of a JSON number's text: equal for
// texts of the same value ("1.5e-05" and "0.000015", "12.5" and "12.50").
function canonical(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return text;
  let digits = (m[2] + (m[3] ?? '')).replace(/^0+/, '');
  let exponent = Number(m[4] ?? 0) - (m[3] ?? '').length;
  if (!digits) return '0';
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  return `${m[1]}${digits}e${exponent}`;
}

// Digits lost, the scale's trailing zeros, or plain digits that JavaScript
// would print with an exponent (0.0000001 as 1e-7).
export function needsExact(value: number, source: string): boolean {
  const text = String(value);
  if (text === source) return false;
  if (canonical(text) !== canonical(source)) return true;
  if (!/[eE]/.test(source) && /[eE]/.test(text)) return true;
  return /\.\d*0(?:[eE]|$)/.test(source);
}

type Context = { source?: string };

export function parseJson(text: string): unknown {
  const reviver = (_key: string, value: unknown, context?: Context) =>
    typeof value === 'number' && context?.source !== undefined && needsExact(value, context.source)
      ? new ExactNumber(context.source)
      : value;
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}
