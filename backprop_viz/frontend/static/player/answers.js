// Reading a typed answer and judging it: the rules of backprop_viz/frontend/answers.py (the quiz's), in the
// browser for predict mode. tests/answer_cases.json holds the cases both are tested on.
//
// Read: ASCII digits, an optional sign (-, + or −), a decimal point or comma (0.75, 0,75), an
// exponent (1e-3), or a fraction of two such numbers (3/4); spaces only around the sign and the /.
// Not read: nan, inf, 1_000, digits of other scripts, and 1,000 (a thousands separator or a decimal
// comma? it is not guessed at).

const MAX_LENGTH = 100;
const RELATIVE = 0.01;
const MIN_DIGITS = 2;
const SIGNED = "([+\\-\\u2212]?)\\s*([0-9]*)(?:([.,])([0-9]*))?(?:[eE]([+\\-\\u2212]?[0-9]+))?";
const NUMBER = new RegExp(`^${SIGNED}$`);
const FRACTION = new RegExp(`^(${SIGNED})\\s*/\\s*(${SIGNED})$`);

// A plain decimal: {value, digits, unit}, or null if it is not one.
function decimal(text) {
  const match = NUMBER.exec(text);
  if (match === null) return null;
  const [, sign, whole, separator, decimals = "", exponent] = match;
  if (!(whole || decimals)) return null;
  if (separator === "," && decimals.length === 3 && whole.length >= 1 && whole.length <= 3 && /[1-9]/.test(whole)) {
    return null; // 1,000: a thousands separator or a decimal comma
  }
  const power = Number((exponent || "0").replace("\u2212", "-"));
  const negative = sign === "-" || sign === "\u2212";
  const value = Number(`${negative ? "-" : ""}${whole || "0"}.${decimals || "0"}e${power}`);
  if (!Number.isFinite(value)) return null;
  const digits = (whole + decimals).replace(/^0+/, "").length;
  return { value, digits, unit: 10 ** (power - decimals.length) };
}

// The number typed, as {value, digits, unit} (unit null for a fraction), or null if it is not one.
function read(text) {
  if (typeof text !== "string") return null;
  const t = text.trim();
  if (!t || t.length > MAX_LENGTH) return null;
  const fraction = FRACTION.exec(t);
  if (fraction) {
    const top = decimal(fraction[1]);
    const bottom = decimal(fraction[7]);
    if (top === null || bottom === null || bottom.value === 0) return null;
    const value = top.value / bottom.value;
    return Number.isFinite(value) ? { value, digits: 0, unit: null } : null;
  }
  return decimal(t);
}

// The value of a typed number: "-0.39", "−0.39", "0,39", "3/4", "1e-3"; null if it is not one.
export function parseNumber(text) {
  const typed = read(text);
  return typed === null ? null : typed.value;
}

// Whether the typed answer is right for the exact value (null: not a number). 0 only for 0; otherwise
// the sign agrees and the answer is within 1 % of the exact value, or it is the exact value rounded to
// the digits typed, typed with at least two significant digits unless the exact value is an integer
// ("2" is a guess for 2.5, "0.20" the rounding of 0.1966). A fraction is judged by the 1 % rule alone.
export function isRight(typed, exact) {
  const answer = read(typed);
  if (answer === null) return null;
  const value = answer.value;
  if (!Number.isFinite(exact)) return false;
  if (value === 0 || exact === 0) return value === 0 && exact === 0;
  if (value > 0 !== exact > 0) return false;
  const error = Math.abs(value - exact);
  if (error <= RELATIVE * Math.abs(exact)) return true;
  if (answer.unit === null || (answer.digits < MIN_DIGITS && exact !== Math.round(exact))) return false;
  if (answer.unit > 10 ** Math.floor(Math.log10(Math.abs(exact))) * (1 + 1e-9)) return false;
  return error <= 0.5 * answer.unit * (1 + 1e-9);
}
