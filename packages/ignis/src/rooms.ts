import { PolySocketError } from '@polysocket/core';
import { encodeJson } from './envelope';

const ROOMS_PER_FRAME = 100;

/** The helper's own rules (applied before the app's validator): a string, 1–256 UTF-16 units, no `ws:` prefix. */
export function validateRoomName(room: unknown): asserts room is string {
  if (typeof room !== 'string' || !room || room.length > 256 || room.startsWith('ws:'))
    throw new PolySocketError('INVALID', 'a room name is 1–256 characters, not starting with "ws:"');
}

/** A room or a list of rooms, each checked by `validateRoomName`. */
export function validateRooms(rooms: unknown): string[] {
  const list: unknown[] = Array.isArray(rooms) ? rooms : [rooms];
  for (const room of list) validateRoomName(room);
  return list as string[];
}

/** `join`/`leave` frames for `rooms`, at most 100 rooms a frame. */
export function sendRooms(event: 'join' | 'leave', rooms: string[], write: (text: string) => void): void {
  for (let i = 0; i < rooms.length; i += ROOMS_PER_FRAME)
    write(encodeJson({ event, data: { rooms: rooms.slice(i, i + ROOMS_PER_FRAME) } }));
}
