"""Security headers on every answer (pages, API, files): a strict Content-Security-Policy, HSTS behind HTTPS.

The pages keep no inline scripts, inline styles or event-handler attributes (everything is in /static), so
the policy can forbid all three. Pictures are same-origin file links, the captcha's `data:` image and the
`blob:` previews of files picked before upload.
"""
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(response, cookie_secure: bool):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if cookie_secure:          # served over HTTPS only: browsers must not come back over plain HTTP
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register(app):
    app.after_request(lambda response: security_headers(response, app.config["COOKIE_SECURE"]))
