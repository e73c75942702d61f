// The part of a message the analysis reads: everything up to and including the
// first empty line. The core never looks past it, so a large body need not be
// copied into wasm memory; the full text stays with the record for the drafts.

const SMALL = 256 * 1024;

/** `input` (string, Uint8Array or ArrayBuffer) cut after its header block. */
export function headerPart(input) {
  if (typeof input === 'string') {
    if (input.length <= SMALL) return input;
    const m = /\n\r?\n/.exec(input);
    return m && m.index > 0 ? input.slice(0, m.index + m[0].length) : input;
  }
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if (!(bytes instanceof Uint8Array) || bytes.length <= SMALL) return input;
  for (let i = 1; i < bytes.length - 1; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return bytes.subarray(0, i + 2);
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return bytes.subarray(0, i + 3);
  }
  return input;
}
