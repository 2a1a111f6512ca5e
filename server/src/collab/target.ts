import { COLLAB_OPT_IN_PARAM, COLLAB_PATH } from '@tandem/shared';

export type CollabTarget = {
  /** Null when the name cannot be decoded; the connection is then closed with 4404. */
  docName: string | null;
  /** The client opted in to save acks and access notices. */
  tandem: boolean;
};

const MAX_DOC_NAME = 200;

/** The document an upgrade asks for, or null when the path is not under /collab/ (Socket.IO's, say). */
export function parseCollabTarget(url: string | undefined): CollabTarget | null {
  if (!url) return null;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (!path.startsWith(`${COLLAB_PATH}/`)) return null;
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const tandem = params.get(COLLAB_OPT_IN_PARAM) === '1';
  let docName: string | null;
  try {
    docName = decodeURIComponent(path.slice(COLLAB_PATH.length + 1));
  } catch {
    docName = null;
  }
  if (!docName || docName.length > MAX_DOC_NAME || hasControlChars(docName)) docName = null;
  return { docName, tandem };
}

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}
