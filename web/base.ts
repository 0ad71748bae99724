// The path the dashboard's pages are served under ("/", or "/m/<model>/" in a portfolio's
// dashboard), as the server wrote it on <body data-base>: every URL a page script asks for starts
// from it. Module scripts run after the document is parsed, so the body is there.

export const BASE = document.body.dataset.base ?? "/";
