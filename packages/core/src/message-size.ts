import type { EncodedFrame, TransportData } from './transport';

/**
 * The wire size of the first transport message of `data` that is over `limit` (UTF-8 bytes for text, bytes
 * for binary), or 0 when none is.
 */
export function oversize(data: EncodedFrame, limit: number): number {
  for (const part of (Array.isArray(data) ? data : [data]) as TransportData[]) {
    let size = typeof part === 'string' ? part.length : part.byteLength;
    // Text is counted only when even 3 bytes per UTF-16 unit could cross the limit (rarely), without encoding it:
    // 2 bytes below 0x800, 4 for a surrogate pair (2 units), 3 for the rest of the BMP.
    if (typeof part === 'string' && size * 3 > limit)
      for (let i = 0; i < part.length; i++) {
        const unit = part.charCodeAt(i);
        if (unit > 0x7f) size += unit < 0x800 || (unit >= 0xd800 && unit < 0xe000) ? 1 : 2;
      }
    if (size > limit) return size;
  }
  return 0;
}
