import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { touchedSections } from './sections.ts';

describe('touchedSections', () => {
  it('names the top-level section of nested and deleting changes', () => {
    const doc = new Y.Doc();
    const meds = doc.getArray<Y.Map<unknown>>('medications');
    const med = new Y.Map<unknown>();
    meds.push([med]);
    doc.getArray('goals').push(['g']);
    const seen: string[][] = [];
    doc.on('update', (_u: Uint8Array, _o: unknown, d: Y.Doc, tr: Y.Transaction) =>
      seen.push(touchedSections(d, tr)),
    );
    med.set('dose', 50);
    doc.getArray('goals').delete(0, 1);
    doc.transact(() => {
      med.set('dose', 100);
      doc.getText('therapy').insert(0, 'CBT');
    });
    expect(seen).toEqual([['medications'], ['goals'], ['medications', 'therapy']]);
  });
});
