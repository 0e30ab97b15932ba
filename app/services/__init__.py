"""Use cases, one function each, named in the product's words (sign_up, promote_waitlist, send_digests).

Services flush and never commit: the request (or the command) commits once. They ask `app.policy`,
raise domain errors that views turn into form errors or flashes, and do not touch the request: the
addresses that mail carries come from `app.mail.links`, the only place that knows the routes.
"""
