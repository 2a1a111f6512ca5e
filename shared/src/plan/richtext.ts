import * as Y from 'yjs';

/**
 * Rich-text fields are `Y.XmlFragment`s in the layout y-prosemirror reads and
 * writes: one `Y.XmlElement` per ProseMirror node (named as in the editor's
 * schema) and `Y.XmlText` for text. These node names are that contract.
 */
export const RICH_NODES = {
  paragraph: 'paragraph',
  bulletList: 'bullet_list',
  orderedList: 'ordered_list',
  listItem: 'list_item',
} as const;

/** A plain block of rich text, for templates, the patient view and exports. */
export type RichBlock = { type: 'paragraph'; text: string } | { type: 'bullets'; items: string[] };

function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement(RICH_NODES.paragraph);
  if (text) p.insert(0, [new Y.XmlText(text)]);
  return p;
}

function toElement(block: RichBlock): Y.XmlElement {
  if (block.type === 'paragraph') return paragraph(block.text);
  const list = new Y.XmlElement(RICH_NODES.bulletList);
  list.insert(
    0,
    block.items.map((item) => {
      const li = new Y.XmlElement(RICH_NODES.listItem);
      li.insert(0, [paragraph(item)]);
      return li;
    }),
  );
  return list;
}

/** Replaces a fragment's content with the blocks (in the caller's transaction, if any). */
export function writeRichText(fragment: Y.XmlFragment, blocks: readonly RichBlock[]): void {
  const apply = () => {
    if (fragment.length > 0) fragment.delete(0, fragment.length);
    fragment.insert(0, blocks.map(toElement));
  };
  if (fragment.doc) fragment.doc.transact(apply);
  else apply();
}

/** Shorthand: paragraphs from a string with blank-line breaks. */
export function paragraphs(text: string): RichBlock[] {
  return text
    .split(/\n\s*\n/)
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => ({ type: 'paragraph' as const, text: t }));
}

function textOf(node: Y.XmlElement | Y.XmlText | Y.XmlFragment): string {
  if (node instanceof Y.XmlText) {
    return node
      .toDelta()
      .map((d: { insert?: unknown }) => (typeof d.insert === 'string' ? d.insert : ''))
      .join('');
  }
  return node
    .toArray()
    .map((child) => textOf(child as Y.XmlElement | Y.XmlText))
    .join(node instanceof Y.XmlElement && node.nodeName === RICH_NODES.listItem ? ' ' : '');
}

/** The blocks of a rich-text field, marks dropped; lists of any kind read as bullets. */
export function readRichText(fragment: Y.XmlFragment | undefined | null): RichBlock[] {
  if (!fragment) return [];
  const blocks: RichBlock[] = [];
  for (const child of fragment.toArray()) {
    if (child instanceof Y.XmlText) {
      const t = textOf(child);
      if (t.trim()) blocks.push({ type: 'paragraph', text: t });
      continue;
    }
    if (!(child instanceof Y.XmlElement)) continue;
    if (child.nodeName === RICH_NODES.bulletList || child.nodeName === RICH_NODES.orderedList) {
      const items = child
        .toArray()
        .map((li) => textOf(li as Y.XmlElement).trim())
        .filter(Boolean);
      if (items.length) blocks.push({ type: 'bullets', items });
    } else {
      const t = textOf(child);
      if (t.trim()) blocks.push({ type: 'paragraph', text: t });
    }
  }
  return blocks;
}

/** A rich-text field as plain text: paragraphs separated by blank lines, list items by "• ". */
export function richTextToPlain(fragment: Y.XmlFragment | undefined | null): string {
  return readRichText(fragment)
    .map((b) => (b.type === 'paragraph' ? b.text : b.items.map((i) => `• ${i}`).join('\n')))
    .join('\n\n');
}
