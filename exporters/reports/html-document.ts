/** The page around every HTML report: one file, inline CSS, no script, and a policy that loads nothing. */
import { escapeHtml } from './html-escape.js';
import { REPORT_CSS } from './html-style.js';

/**
 * Content-Security-Policy: the report needs nothing from anywhere. Escaping is what keeps scenario
 * text inert; the policy is a second wall should a future change forget to escape something.
 */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function htmlDocument(title: string, body: string, generator: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">
<meta name="generator" content="${escapeHtml(generator)}">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
