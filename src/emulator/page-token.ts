import { createHmac } from "node:crypto";

const MAC_BYTES = 16;

interface TokenPayload {
  /** Operation the token belongs to. */
  o: string;
  /** Fingerprint of the request's other members: a token is only valid for the same query. */
  f: string;
  /** Cursor: the key of the last item served; absent for "from the start". */
  c?: string;
  /** Serial number, so that no two tokens are equal (even an empty page's). */
  n: number;
}

/**
 * Opaque, integrity-checked NextTokens: base64 of an HMAC and a JSON payload holding the
 * operation, a fingerprint of the query and a cursor. A forged token, or one given to another
 * operation or another query, fails `decode`. Base64 keeps to the token patterns of all three
 * models (`[-a-zA-Z0-9+=/_]*`, `[-a-zA-Z0-9+=/:_]*`, `[\s\S]*`).
 */
export class PageTokens {
  readonly #secret: string;
  #serial = 0;

  constructor(secret: string) {
    this.#secret = secret;
  }

  encode(operation: string, fingerprint: string, cursor: string | undefined): string {
    const payload: TokenPayload = { o: operation, f: fingerprint, n: ++this.#serial };
    if (cursor !== undefined) payload.c = cursor;
    const body = Buffer.from(JSON.stringify(payload), "utf8");
    return Buffer.concat([this.#mac(body), body]).toString("base64");
  }

  /** The cursor a token carries, or null when the token is not one this emulator issued for this query. */
  decode(token: string, operation: string, fingerprint: string): { cursor: string | undefined } | null {
    const raw = Buffer.from(token, "base64");
    if (raw.length <= MAC_BYTES || raw.toString("base64") !== token) return null;
    const mac = raw.subarray(0, MAC_BYTES);
    const body = raw.subarray(MAC_BYTES);
    if (!this.#mac(body).equals(mac)) return null;
    // The MAC proves this emulator wrote the payload, so it is our JSON.
    const payload = JSON.parse(body.toString("utf8")) as TokenPayload;
    if (payload.o !== operation || payload.f !== fingerprint) return null;
    return { cursor: payload.c };
  }

  #mac(body: Buffer): Buffer {
    return createHmac("sha256", this.#secret).update(body).digest().subarray(0, MAC_BYTES);
  }
}
