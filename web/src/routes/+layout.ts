// Tandem is an app behind a sign-in: pages render in the browser, which holds
// the session cookie and the live Yjs documents.
export const ssr = false;
export const prerender = false;
