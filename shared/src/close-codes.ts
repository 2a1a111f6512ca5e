/** WebSocket close codes used on `/collab`: 4000 + the matching HTTP status. */
export const CloseCode = {
  Malformed: 4400,
  Unauthenticated: 4401,
  Forbidden: 4403,
  NotFound: 4404,
  MessageTooLarge: 4413,
  LoadFailed: 4500,
  ShuttingDown: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const CLOSE_REASONS: Record<CloseCode, string> = {
  4400: 'malformed message',
  4401: 'unauthenticated',
  4403: 'forbidden',
  4404: 'no such document',
  4413: 'message too large',
  4500: 'document failed to load',
  4503: 'server shutting down',
};
