import { Schema, type NodeSpec } from 'prosemirror-model';
import type { EditorState } from 'prosemirror-state';
import { RICH_NODES } from '@tandem/shared';

/**
 * The rich-text schema of plan fields. Node names are the contract with the
 * stored Y.XmlFragments (RICH_NODES in shared), which templates write too.
 */
const nodes: Record<string, NodeSpec> = {
  doc: { content: 'block+' },
  [RICH_NODES.paragraph]: {
    content: 'inline*',
    group: 'block',
    parseDOM: [{ tag: 'p' }],
    toDOM: () => ['p', 0],
  },
  [RICH_NODES.bulletList]: {
    content: `${RICH_NODES.listItem}+`,
    group: 'block',
    parseDOM: [{ tag: 'ul' }],
    toDOM: () => ['ul', 0],
  },
  [RICH_NODES.orderedList]: {
    content: `${RICH_NODES.listItem}+`,
    group: 'block',
    parseDOM: [{ tag: 'ol' }],
    toDOM: () => ['ol', 0],
  },
  [RICH_NODES.listItem]: {
    content: `${RICH_NODES.paragraph} block*`,
    defining: true,
    parseDOM: [{ tag: 'li' }],
    toDOM: () => ['li', 0],
  },
  text: { group: 'inline' },
  hard_break: {
    inline: true,
    group: 'inline',
    selectable: false,
    parseDOM: [{ tag: 'br' }],
    toDOM: () => ['br'],
  },
};

export const richSchema = new Schema({
  nodes,
  marks: {
    strong: {
      parseDOM: [{ tag: 'strong' }, { tag: 'b' }],
      toDOM: () => ['strong', 0],
    },
    em: {
      parseDOM: [{ tag: 'em' }, { tag: 'i' }],
      toDOM: () => ['em', 0],
    },
  },
});

export type MarkName = 'strong' | 'em';

/**
 * Whether a mark is on where the person types: at a caret, for the next
 * letters (a mark just turned on counts); over a selection, if any of it has
 * the mark, as the Bold and Italic commands then take it off.
 */
export function markActive(state: EditorState, name: MarkName): boolean {
  const type = richSchema.marks[name]!;
  const { from, to, empty, $from } = state.selection;
  if (empty) return type.isInSet(state.storedMarks ?? $from.marks()) !== undefined;
  return state.doc.rangeHasMark(from, to, type);
}
