/**
 * Escaping for HTML and XML text and attribute values. Every piece of scenario, adapter or user
 * text in a report goes through one of these: a scenario description is input, and a report is
 * opened in a browser.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// XML 1.0 allows only tab, LF and CR below 0x20; lone surrogates and U+FFFE/U+FFFF are not characters.
const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Safe in element content and in double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** The same for XML (JUnit): characters XML 1.0 cannot hold become U+FFFD instead of breaking the parse. */
export const escapeXml = escapeHtml;
