"""The commands of the ``cchc`` command line, a module for each command or each group of
related commands, imported only when one of its commands runs (:func:`engine.launcher.group`
looks a command up in :data:`engine.launcher.MODULES`): a run of ``cchc evaluate`` builds the
options of ``evaluate`` and ``explain`` and no other command's.

- :mod:`.shared`: what every command uses: writing the output and the errors (exit 2, never a
  traceback), the options that several commands take (``PLAN``, ``FACTS...``, ``--period``,
  ``--format``, ``-o``, ``--lang``, ``--root``...), loading the plan.
- :mod:`.report`: ``evaluate`` and ``explain``, the report of a period and how one result was
  derived.
- :mod:`.status`: ``status``, who has reported.
- :mod:`.plans`: ``validate``, ``indicators``, ``periods``, ``agencies``, ``graph``,
  ``schema``: what a plan says.
- :mod:`.changes`: ``diff`` and ``new-year``: from one plan to the next.
- :mod:`.template`: ``template``, what an agency fills in.
- :mod:`.cases`: ``test``, the plan's test cases.
- :mod:`.score`: ``score``, scorecards.
- :mod:`.expr`: ``expr``, the formula playground.

Each command is the module's attribute named like it (``new-year``: ``new_year``).
"""
