/**
 * Listener lists that are replaced, never changed in place: a delivery goes on with the list it started with,
 * so a listener added by a listener gets the next event, not the one being delivered, and one removed meanwhile
 * is skipped (`stillListening`). Used where an adapter keeps listeners of its own (Foony channel messages, Ignis
 * app events).
 */
export function withListener<L>(list: readonly L[] | undefined, listener: L): readonly L[] {
  if (list === undefined) return [listener];
  return list.includes(listener) ? list : [...list, listener];
}

export function withoutListener<L>(list: readonly L[], listener: L): readonly L[] {
  return list.includes(listener) ? list.filter((l) => l !== listener) : list;
}

/** Whether `listener`, from a delivery that started with `started`, is still listening (`now` is the list today). */
export function stillListening<L>(started: readonly L[], now: readonly L[] | undefined, listener: L): boolean {
  return now === started || (now !== undefined && now.includes(listener));
}
