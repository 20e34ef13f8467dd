/**
 * Request ids for the `X-Toxiproxy-Request-Id` header, shaped like the xid strings Toxiproxy sends
 * (20 characters of base32hex): seconds since the epoch, the process id and a counter, so ids sort by
 * time and never repeat within a process.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuv';

export function createRequestIdSource(nowEpochMs: () => number = Date.now): () => string {
  let counter = 0;
  return () => {
    counter = (counter + 1) % 0x1000000;
    const bytes = Buffer.alloc(12);
    bytes.writeUInt32BE(Math.floor(nowEpochMs() / 1000) >>> 0, 0);
    bytes.writeUIntBE(process.pid & 0xffffff, 4, 3);
    bytes.writeUInt16BE(0, 7);
    bytes.writeUIntBE(counter, 9, 3);
    return encodeBase32Hex(bytes).slice(0, 20);
  };
}

function encodeBase32Hex(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xfff; // at most 12 bits are ever pending
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
