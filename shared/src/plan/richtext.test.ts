import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  paragraphs,
  readRichText,
  richTextToPlain,
  RICH_NODES,
  writeRichText,
} from './richtext.ts';

describe('rich text fields', () => {
  it('writes blocks as ProseMirror-shaped XML and reads them back', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('notes');
    writeRichText(fragment, [
      { type: 'paragraph', text: 'Focus for the next weeks:' },
      { type: 'bullets', items: ['Activity diary', 'Thought records'] },
    ]);
    const [p, list] = fragment.toArray() as Y.XmlElement[];
    expect(p!.nodeName).toBe(RICH_NODES.paragraph);
    expect(list!.nodeName).toBe(RICH_NODES.bulletList);
    expect((list!.get(0) as Y.XmlElement).nodeName).toBe(RICH_NODES.listItem);
    expect(fragment.toString()).toBe(
      '<paragraph>Focus for the next weeks:</paragraph><bullet_list><list_item><paragraph>Activity diary</paragraph></list_item><list_item><paragraph>Thought records</paragraph></list_item></bullet_list>',
    );
    expect(readRichText(fragment)).toEqual([
      { type: 'paragraph', text: 'Focus for the next weeks:' },
      { type: 'bullets', items: ['Activity diary', 'Thought records'] },
    ]);
    expect(richTextToPlain(fragment)).toBe(
      'Focus for the next weeks:\n\n• Activity diary\n• Thought records',
    );
  });

  it('reads text with marks as plain text and skips empty paragraphs', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('notes');
    const p = new Y.XmlElement('paragraph');
    const t = new Y.XmlText();
    p.insert(0, [t]);
    fragment.insert(0, [new Y.XmlElement('paragraph'), p]);
    t.insert(0, 'Take it ');
    t.insert(8, 'daily', { strong: {} });
    expect(readRichText(fragment)).toEqual([{ type: 'paragraph', text: 'Take it daily' }]);
  });

  it('replaces earlier content', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('notes');
    writeRichText(fragment, paragraphs('one\n\ntwo'));
    writeRichText(fragment, paragraphs('three'));
    expect(richTextToPlain(fragment)).toBe('three');
    expect(richTextToPlain(null)).toBe('');
  });
});
