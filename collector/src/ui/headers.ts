/**
 * Security headers on every UI response. The page loads its scripts from
 * files only (its one inline <script> is a JSON data block, never run), so
 * the policy allows no inline script; inline styles stay allowed because the
 * fleet table draws its bars with style attributes.
 */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});
