import { PolySocketError } from '@polysocket/core';

/** The helper's own rules (applied before the app's validator): a string, 1–256 UTF-16 units, no `ws:` prefix. */
export function validateRoomName(room: unknown): asserts room is string {
  if (typeof room !== 'string' || room.length === 0)
    throw new PolySocketError('INVALID', 'a room name must be a non-empty string');
  if (room.length > 256) throw new PolySocketError('INVALID', `room name too long (${room.length} > 256)`);
  if (room.startsWith('ws:')) throw new PolySocketError('INVALID', `room "${room}" uses the reserved "ws:" prefix`);
}

export function validateRooms(rooms: unknown): string[] {
  const list = typeof rooms === 'string' ? [rooms] : rooms;
  if (!Array.isArray(list)) throw new PolySocketError('INVALID', 'rooms must be a string or an array of strings');
  for (const room of list) validateRoomName(room);
  return list as string[];
}
