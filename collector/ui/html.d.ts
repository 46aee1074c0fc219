// Types of html.js for TypeScript importers (`@loopscope/collector/html`, e.g. loopscope-analyze's HTML report).
/** HTML-escapes `&`, `<`, `>`, `"` and `'`: safe in element text and quoted attributes. */
export declare const esc: (s: unknown) => string;
export declare const instanceHref: (job: string, instance: string) => string;
export declare const panel: (
  id: string,
  title: string,
  hint: string,
  extraClass?: string,
) => string;
