import type { EncodedFrame, TransportData } from './transport';

/** UTF-8 bytes of a string, counted without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    // 2 bytes below 0x800; a surrogate pair is 4 bytes for 2 units; the rest of the BMP is 3.
    bytes += unit < 0x800 || (unit >= 0xd800 && unit < 0xe000) ? 1 : 2;
  }
  return bytes;
}

function wireSize(part: TransportData, limit: number): number {
  if (typeof part !== 'string') return part.byteLength;
  // No count needed when even 3 bytes per unit stays within the limit (the common case).
  return part.length * 3 <= limit ? part.length : utf8Length(part);
}

/** The wire size of the first transport message of `data` that is over `limit`, or 0 when none is. */
export function oversize(data: EncodedFrame, limit: number): number {
  if (typeof data === 'string' || !Array.isArray(data)) {
    const size = wireSize(data as TransportData, limit);
    return size > limit ? size : 0;
  }
  for (const part of data as readonly TransportData[]) {
    const size = wireSize(part, limit);
    if (size > limit) return size;
  }
  return 0;
}
