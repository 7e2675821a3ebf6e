import { createHash } from "node:crypto";

/** A deterministic pseudo-random source: `next()` is uniform in [0, 1). */
export interface Rng {
  next(): number;
}

const UINT32 = 0x1_0000_0000;

/**
 * A seeded generator (sfc32) for one named stream. Streams derived from the same seed are
 * independent, so drawing latencies never shifts which call a fault lands on.
 */
export function createRng(seed: number, stream: string): Rng {
  const digest = createHash("sha256").update(`${seed}\u0000${stream}`).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return {
    next(): number {
      a |= 0;
      b |= 0;
      c |= 0;
      d |= 0;
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      return (t >>> 0) / UINT32;
    },
  };
}

/** A standard normal draw (Box-Muller). */
export function normal(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A lognormal draw with the given median and shape sigma (sigma 0 returns the median). */
export function lognormal(rng: Rng, median: number, sigma: number): number {
  if (median <= 0) return 0;
  return median * Math.exp(sigma * normal(rng));
}

const HEX = "0123456789abcdef";

/** `n` lowercase hex digits. */
export function randomHex(rng: Rng, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += HEX[Math.floor(rng.next() * HEX.length)];
  return out;
}

/** A lowercase version-4-shaped UUID drawn from `rng`. */
export function randomUuid(rng: Rng): string {
  return uuidFromHex(randomHex(rng, 32));
}

/** Formats 32 hex digits as a version-4-shaped UUID (8-4-4-4-12). */
export function uuidFromHex(hex: string): string {
  const variant = HEX[8 + (Number.parseInt(hex[16] ?? "0", 16) & 3)];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `n` hex digits derived from `parts`: the deterministic id of something named in a seed. */
export function hashHex(n: number, ...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, n);
}

/** A UUID derived from `parts`, stable across runs. */
export function hashUuid(...parts: string[]): string {
  return uuidFromHex(hashHex(32, ...parts));
}
