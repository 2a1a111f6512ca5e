import type * as Y from 'yjs';
import { MINUTES_TEXT } from '@tandem/shared';
import { CollabDoc } from '$lib/collab';

/**
 * The co-edited minutes of one case: a Y.Text on /collab, shared live by
 * everyone in the room, through the same client as the plan (save
 * acknowledgements, the offline switch, the prompt before leaving unsaved
 * typing). The server decides who may write; `editable` only shapes the editor.
 */
export class MinutesDoc {
  readonly collab: CollabDoc;
  readonly text: Y.Text;

  constructor(
    readonly name: string,
    self: { id: string; name: string },
  ) {
    this.collab = new CollabDoc(name, { keepFor: self.id });
    this.text = this.collab.doc.getText(MINUTES_TEXT);
    this.collab.setPresence({ user: { id: self.id, name: self.name } });
  }

  get doc(): Y.Doc {
    return this.collab.doc;
  }

  get loaded(): boolean {
    return this.collab.loaded;
  }

  get connected(): boolean {
    return this.collab.connected;
  }

  destroy(): void {
    this.collab.destroy();
  }
}
