// Judging a typed answer: reading a number a student typed, and whether it is right.

// A number a student typed: "-0.39", "−0.39", "0,39", "3/4", "1e-3"; null if it is not one.
export function parseNumber(text) {
  const t = text.trim().replace(/−/g, "-").replace(/,/g, ".").replace(/\s/g, "");
  const number = "[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?";
  const fraction = t.match(new RegExp(`^(${number})/(${number})$`, "i"));
  if (fraction) return Number(fraction[2]) === 0 ? null : Number(fraction[1]) / Number(fraction[2]);
  return new RegExp(`^${number}$`, "i").test(t) ? Number(t) : null;
}

// Right, as the kernel's quiz judges (quiz.is_right): 0 only for 0; otherwise the sign agrees and the answer
// is within 1 % of the exact value, or is the exact value rounded to the digits typed, the last digit
// typed being at least at the place of the exact value's first significant digit (0.2 for 0.1966: right;
// 1 for 0.6: not). No absolute slack: small gradients are judged as carefully as large ones.
export function isRight(typed, exact) {
  const answer = parseNumber(typed);
  if (answer === null) return null;
  if (answer === 0 || Math.abs(exact) <= 1e-12) return answer === 0 && Math.abs(exact) <= 1e-12;
  if (answer > 0 !== exact > 0) return false;
  if (Math.abs(answer - exact) <= 0.01 * Math.abs(exact)) return true;
  if (typed.includes("/")) return false; // a fraction is judged by the 1 % rule only
  const [mantissa, exponent] = typed.trim().replace(/−/g, "-").replace(/,/g, ".").toLowerCase().split("e");
  const decimals = (mantissa.split(".")[1] || "").length;
  const unit = 10 ** (Number(exponent || 0) - decimals);
  if (unit > 10 ** Math.floor(Math.log10(Math.abs(exact))) * (1 + 1e-9)) return false;
  return Math.abs(answer - exact) <= 0.5 * unit * (1 + 1e-9);
}
