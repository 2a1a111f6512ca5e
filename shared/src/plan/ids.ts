/**
 * A short random id for list entries. Uses getRandomValues, which (unlike
 * randomUUID) also works on pages served over plain http on a local network.
 */
export function newEntryId(): string {
  const bytes = new Uint8Array(9);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += (b % 36).toString(36);
  return out + Date.now().toString(36).slice(-4);
}
