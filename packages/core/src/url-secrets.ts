/**
 * `scheme://userinfo@`: the userinfo ends at the last `@` before the path, query or fragment; its password
 * (group 2) is what follows its first `:`.
 */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#:]*(?::([^/?#]*))?@/i;

/**
 * The credentials a URL carries — every query value and the userinfo password — in each form a log line or a
 * server's error may quote them (as written, decoded, percent- and form-encoded), to register as secrets. Works on
 * the text, so a URL that `new URL` refuses is covered too. Every adapter registers them.
 */
export function urlSecrets(url: string): string[] {
  const found = new Set<string>();
  const raws = [...(/\?([^#]*)/.exec(url)?.[1] ?? '').matchAll(/(?:^|&)[^&=]*=([^&]*)/g)].map((match) => match[1]);
  const password = USERINFO.exec(url)?.[2];
  if (password !== undefined) raws.push(password);
  for (const raw of raws) {
    const value = decoded(raw);
    for (const form of [raw, value, encodeURIComponent(value), new URLSearchParams({ s: value }).toString().slice(2)])
      found.add(form);
  }
  return [...found];
}

/** The URL without its query, fragment and userinfo: what may be stored or shown. */
export function withoutCredentials(url: string): string {
  return url.replace(/[?#][\s\S]*$/, '').replace(USERINFO, '$1');
}

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}
