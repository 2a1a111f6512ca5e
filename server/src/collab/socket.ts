import { WebSocket } from 'ws';
import { CloseCode } from '@tandem/shared';

/**
 * `ws` closes an oversized message with 1009 before any handler sees it; the
 * collab protocol promises 4413, which y-websocket clients treat as final
 * instead of reconnecting to send the same message again.
 */
export class CollabSocket extends WebSocket {
  override close(code?: number, reason?: string | Buffer): void {
    if (code === 1009) super.close(CloseCode.MessageTooLarge, 'message too large');
    else super.close(code, reason);
  }
}
