import { codePoint } from "./text.ts";

/**
 * Names that look like other names. A plan reviewer reads `group/Plаtform-Admins` (with a
 * Cyrillic "а") as `group/Platform-Admins`: a pull request that declares the look-alike as an
 * external group and grants it administrator access would pass a careful review. Group and user
 * names may be in any script, so these checks target what deceives: letters of another script
 * that look like Latin ones mixed into a Latin name, compatibility forms of ASCII (fullwidth
 * letters, mathematical alphanumerics), spaces other than the space, and spaces at either end.
 */

/**
 * Letters of other scripts that render like a Latin letter, digit or hyphen (after Unicode's
 * confusables list, the entries that look identical in common fonts), with what they look like.
 */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  "\u0430": "a",
  "\u0435": "e",
  "\u043e": "o",
  "\u0440": "p",
  "\u0441": "c",
  "\u0443": "y",
  "\u0445": "x",
  "\u0455": "s",
  "\u0456": "i",
  "\u0458": "j",
  "\u04bb": "h",
  "\u04cf": "l",
  "\u0501": "d",
  "\u051b": "q",
  "\u051d": "w",
  "\u0410": "A",
  "\u0412": "B",
  "\u0415": "E",
  "\u041a": "K",
  "\u041c": "M",
  "\u041d": "H",
  "\u041e": "O",
  "\u0420": "P",
  "\u0421": "C",
  "\u0422": "T",
  "\u0423": "Y",
  "\u0425": "X",
  "\u0405": "S",
  "\u0406": "I",
  "\u0408": "J",
  "\u04ae": "Y",
  "\u051a": "Q",
  "\u051c": "W",
  // Greek
  "\u0391": "A",
  "\u0392": "B",
  "\u0395": "E",
  "\u0396": "Z",
  "\u0397": "H",
  "\u0399": "I",
  "\u039a": "K",
  "\u039c": "M",
  "\u039d": "N",
  "\u039f": "O",
  "\u03a1": "P",
  "\u03a4": "T",
  "\u03a5": "Y",
  "\u03a7": "X",
  "\u03b9": "i",
  "\u03ba": "k",
  "\u03bd": "v",
  "\u03bf": "o",
  "\u03c1": "p",
  "\u03c5": "u",
  // Armenian
  "\u0585": "o",
  "\u057d": "u",
  // Latin letters that pass for others
  "\u0131": "i",
  "\u0251": "a",
  "\u0261": "g",
  // Dashes and the minus sign, which pass for a hyphen
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "-",
  "\u2013": "-",
  "\u2212": "-",
  "\u2043": "-",
};

const ASCII_ALPHANUMERIC = /[A-Za-z0-9]/;
const PRINTABLE_ASCII = /^[\u0020-\u007e]$/;

/**
 * What a character looks like when it passes for ASCII: from the confusables table, or its
 * compatibility form (`Ｐ` is `P`, `𝐏` is `P`); null for any other character.
 */
function asciiLookalike(ch: string): string | null {
  const listed = CONFUSABLES[ch];
  if (listed !== undefined) return listed;
  if (PRINTABLE_ASCII.test(ch)) return null;
  const compatible = ch.normalize("NFKC");
  return compatible !== ch && [...compatible].every((c) => PRINTABLE_ASCII.test(c)) ? compatible : null;
}

/**
 * Why `name` could be mistaken for another name, as the end of a sentence, or null when it could
 * not: `contains U+0430 "а", which looks like "a"; write it in one script`.
 */
export function lookalikeProblem(name: string): string | null {
  if (/^\s|\s$/u.test(name)) return "begins or ends with a space, which plans do not show; remove it";
  for (const ch of name) {
    if (ch !== " " && /[\s\p{Z}]/u.test(ch)) {
      return `contains ${codePoint(ch)}, which looks like a space or a line break; use a plain space`;
    }
  }
  if (!ASCII_ALPHANUMERIC.test(name)) return null;
  for (const ch of name) {
    const looks = asciiLookalike(ch);
    if (looks !== null) {
      return `contains ${codePoint(ch)}, which looks like ${JSON.stringify(looks)}: the name would read as another one in plans; write it with ${JSON.stringify(looks)}`;
    }
  }
  return null;
}

/**
 * What a name looks like: each look-alike character replaced by what it passes for, compatibility
 * forms folded, case ignored and runs of spaces made one. Two names with the same skeleton read the
 * same in a review.
 */
export function skeleton(name: string): string {
  let out = "";
  for (const ch of name.normalize("NFKC")) out += CONFUSABLES[ch] ?? ch;
  return out
    .toLowerCase()
    .replace(/[\s\p{Z}]+/gu, " ")
    .trim();
}
