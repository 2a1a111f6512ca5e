import { isUpdateMessage, type SaveTracker } from '@tandem/shared';

/**
 * The browser WebSocket, counting what the save tracker needs: the update-
 * carrying messages the provider sends (the server acknowledges the same
 * ones) and when each connection opens and closes. y-websocket creates one of
 * these per connection through its `WebSocketPolyfill` option.
 */
export function countingWebSocket(saves: SaveTracker): typeof WebSocket {
  return class CountingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('open', () => saves.connected(this));
      this.addEventListener('close', () => saves.disconnected(this));
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      const bytes =
        data instanceof Uint8Array
          ? data
          : data instanceof ArrayBuffer
            ? new Uint8Array(data)
            : null;
      if (bytes && isUpdateMessage(bytes)) saves.sent();
      super.send(data);
    }
  };
}

/** The collab endpoint on this origin; the browser sends the session cookie with the upgrade. */
export function collabBaseUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}
