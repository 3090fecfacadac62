"""obsgen: compile declarative service specs into observability configuration.

The stages, in order (see ARCHITECTURE.md):

    load (spec.loader) -> validate (spec.validate) -> build (build)
        -> render (targets.*) -> emit (emit)

`obsgen.api` strings them together; the CLI is a thin layer over it.
"""

__version__ = "0.1.0"
