// Characters XML 1.0 cannot carry at all, even escaped: most C0 controls, lone surrogates, U+FFFE/F.
const NOT_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SPECIAL = /[&<>"']/g;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Escapes text for an XML attribute value or element content: the five special characters become
 * entities, and characters XML 1.0 cannot represent become U+FFFD, so any server answer can be
 * quoted in a JUnit report without breaking it.
 *
 * @example
 * escapeXml('a < b & "c"') // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '\ufffd').replace(SPECIAL, (char) => ENTITIES[char] ?? char);
}
