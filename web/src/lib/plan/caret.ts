import { TextSelection } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';

/**
 * Brings the editor's selection up to the caret the person sees, before a key is handled
 * and before a change to the document (a colleague's, which the sync plugin applies from
 * the selection it holds, and would put the caret back where it was) is applied.
 *
 * Keys the editor leaves to the browser (End, Home, Page Down, Ctrl+arrows) move the
 * caret in the page at once, but ProseMirror learns of it only from `selectionchange`,
 * which Chrome fires some 10 ms later. A key pressed in between (voice control and
 * keyboard macros send "End, Enter" in one go; a busy page delays the event further)
 * acted on the old selection: Enter split the line clicked before, or replaced the
 * word selected before with the new line.
 *
 * Always returns false: the key itself is still handled by the keymaps.
 */
export function catchUpWithCaret(view: EditorView): false {
  const { selection, doc } = view.state;
  // Node and whole-document selections are ProseMirror's own; the page's caret is not theirs.
  if (!(selection instanceof TextSelection)) return false;
  const caret = document.getSelection();
  const { anchorNode, focusNode } = caret ?? {};
  if (!caret || !anchorNode || !focusNode) return false;
  if (!view.dom.contains(anchorNode) || !view.dom.contains(focusNode)) return false;
  const anchor = doc.resolve(view.posAtDOM(anchorNode, caret.anchorOffset));
  const head = doc.resolve(view.posAtDOM(focusNode, caret.focusOffset));
  const seen = TextSelection.between(anchor, head);
  // The same place written another way (before a paragraph rather than in it) is no
  // move: setting it again would drop a mark just turned on for the next letters.
  if (!seen.eq(selection)) view.dispatch(view.state.tr.setSelection(seen));
  return false;
}
