"""The ``cchc`` program's entry point: ``cchc --help`` and ``cchc --version`` without loading
the commands.

The commands live in :mod:`engine.cli` (``engine.cli.main`` is the whole command line, which
the tests drive); this group lists them from :data:`COMMANDS` and imports :mod:`engine.cli`
only to run one (click's "lazy group" pattern), so the program starts by importing click
alone. ``tests/cache/test_imports.py`` checks that this group's help is exactly that of
``engine.cli.main`` and that it imports no more than click.
"""

from __future__ import annotations

import click

from . import __version__

#: Each command with the first paragraph of its help, as ``engine.cli`` defines them (a test
#: compares the two: a command added there is listed here too).
COMMANDS = {
    "agencies": "Show the agency hierarchy of PLAN as a tree, then its groups.",
    "diff": "Show what changed in meaning from plan OLD to plan NEW (exit 0 even when they "
            "differ).",
    "evaluate": "Evaluate PLAN against FACTS (files or folders) for one period.",
    "explain": "Show how INDICATOR's result was derived: formula, values, agencies.",
    "expr": "Evaluate EXPRESSION: the playground for trying a formula.",
    "graph": "Print the dependency graph: indicators, the facts they read, the indicators "
             "they use.",
    "indicators": "List the indicators of PLAN: id, names, unit, owner, scope, target, "
                  "deadline, source.",
    "new-year": "Scaffold next year's plan: a plan that extends PLAN, with dates moved to YEAR.",
    "periods": "List the reporting periods of PLAN: data window and report due date.",
    "schema": "Print the JSON Schema of plan files (for editors: see docs/plan-format.md).",
    "status": "Who has reported the facts of a period: the chase list of every agency that "
              "reports in it, with what it has filled, what is missing, refused values, and "
              "who is late.",
    "template": "Write the fact template an agency fills in for a period.",
    "test": "Run the test cases in CASES (files or folders) against PLAN; exit 1 if any fails.",
    "validate": "Check PLAN and its included files; print every problem (exit 2) or a summary "
                "(exit 0).",
}


class _Commands(click.Group):
    """A group whose commands are those of ``engine.cli.main``, imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from . import cli

        return cli.main.get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands, as click writes it, from :data:`COMMANDS` (importing none)."""
        names = sorted(COMMANDS)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = [(n, click.Command(n, help=COMMANDS[n]).get_short_help_str(limit))
                for n in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


#: ``--no-cache``: an option of the group (``cchc --no-cache evaluate ...``) and of every
#: command that loads a plan (``engine.cli``).
NO_CACHE_HELP = ("Do not use the compiled-plan cache (CCHC_CACHE_DIR, by default "
                 "~/.cache/cchc); CCHC_NO_CACHE=1 does the same.")


def keep_no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """Keep ``--no-cache`` in the context, where ``engine.cli`` reads it for each load: plans
    are then loaded from their files only, the cache neither read nor written."""
    if value:
        ctx.meta["cchc.no_cache"] = True
    return value


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cchc")
@click.option("--no-cache", is_flag=True, expose_value=False, callback=keep_no_cache,
              is_eager=True, help=NO_CACHE_HELP)
def main() -> None:
    """cchc: rules-as-code for administrative reform plans (kế hoạch cải cách hành chính)."""
