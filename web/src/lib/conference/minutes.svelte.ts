import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { COLLAB_PATH, MINUTES_TEXT } from '@tandem/shared';

/**
 * The co-edited minutes of one case: a Y.Text on /collab, shared live by
 * everyone in the room. The server decides who may write; `editable` only
 * shapes the editor.
 */
export class MinutesDoc {
  readonly doc = new Y.Doc();
  readonly text: Y.Text;
  readonly provider: WebsocketProvider;
  synced = $state(false);
  connected = $state(false);
  /** Set when the server closes the document for good (no access). */
  closed = $state(false);

  constructor(
    readonly name: string,
    self: { id: string; name: string },
  ) {
    this.text = this.doc.getText(MINUTES_TEXT);
    const base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${COLLAB_PATH}`;
    this.provider = new WebsocketProvider(base, name, this.doc, { maxBackoffTime: 5_000 });
    this.provider.awareness.setLocalStateField('user', { id: self.id, name: self.name });
    this.provider.on('status', ({ status }: { status: string }) => {
      this.connected = status === 'connected';
    });
    this.provider.on('sync', (synced: boolean) => {
      this.synced = synced;
    });
    this.provider.on('closed', () => {
      this.closed = true;
    });
  }

  destroy(): void {
    this.provider.destroy();
    this.doc.destroy();
  }
}
