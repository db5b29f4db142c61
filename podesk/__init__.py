"""The composition root: the `podesk` command and the WSGI entry point wire core, web and bot together."""
