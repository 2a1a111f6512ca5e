import { describe, expect, it } from 'vitest';
import { parseCollabTarget } from './target.ts';

describe('parseCollabTarget', () => {
  it('takes the document name from the path and the opt-in from the query', () => {
    expect(
      parseCollabTarget('/collab/plan:0123456789abcdef01234567:care?tandem=1&token=x'),
    ).toEqual({ docName: 'plan:0123456789abcdef01234567:care', tandem: true });
    expect(parseCollabTarget('/collab/plan%3Aabc')).toEqual({ docName: 'plan:abc', tandem: false });
  });

  it('ignores other paths and refuses names it cannot decode', () => {
    expect(parseCollabTarget('/socket.io/?EIO=4')).toBeNull();
    expect(parseCollabTarget('/collaborate/x')).toBeNull();
    expect(parseCollabTarget(undefined)).toBeNull();
    expect(parseCollabTarget('/collab/%E0%A4%A')?.docName).toBeNull();
    expect(parseCollabTarget('/collab/')?.docName).toBeNull();
    expect(parseCollabTarget('/collab/a%00b')?.docName).toBeNull();
    expect(parseCollabTarget(`/collab/${'x'.repeat(300)}`)?.docName).toBeNull();
  });
});
