// UUIDv7 ids for new rows (RFC 9562): 48-bit Unix milliseconds, version 7, a 12-bit counter
// that keeps ids made within one millisecond in order, the variant bits, then 62 random bits.

export type RandomSource = (bytes: Uint8Array) => Uint8Array;
export type Clock = () => number;

const defaultRandom: RandomSource = (b) => crypto.getRandomValues(b);

export function createIdGenerator(now: Clock = Date.now, random: RandomSource = defaultRandom): () => string {
  let lastMs = -1;
  let counter = 0;
  return function uuidv7(): string {
    const bytes = random(new Uint8Array(16));
    let ms = Math.max(now(), 0);
    if (ms <= lastMs) {
      // Same (or an earlier, after a clock step back) millisecond: count up from the last id.
      ms = lastMs;
      counter += 1;
      if (counter > 0xfff) {
        ms += 1;
        counter = 0;
      }
    } else {
      // A fresh millisecond: start the counter at a random value in its lower half, so there
      // is room to count up without running out.
      counter = ((bytes[6] & 0x07) << 8) | bytes[7];
    }
    lastMs = ms;
    // 48-bit big-endian timestamp; split because bit operators work on 32 bits.
    const high = Math.floor(ms / 0x100000000);
    const low = ms >>> 0;
    bytes[0] = (high >>> 8) & 0xff;
    bytes[1] = high & 0xff;
    bytes[2] = (low >>> 24) & 0xff;
    bytes[3] = (low >>> 16) & 0xff;
    bytes[4] = (low >>> 8) & 0xff;
    bytes[5] = low & 0xff;
    bytes[6] = 0x70 | ((counter >>> 8) & 0x0f);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    let hex = "";
    for (const b of bytes) hex += b.toString(16).padStart(2, "0");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/** Makes a new UUIDv7 string; ids from one session sort in creation order. */
export const newId: () => string = createIdGenerator();

/** The creation time (ms) encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.replace(/-/g, "").slice(0, 12), 16);
}

export const UUID_V7_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
