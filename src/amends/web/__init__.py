"""The staff desk in the browser, under ``/desk/``.

Views are thin: they read a form, build one action from :mod:`amends.actions`, run it and
show the outcome. Who may see a page is declared with :func:`amends.web.access.desk_page`; who
may change anything is decided by the action itself.
"""
