"""`keystage lessons search WORDS [--user NAME]`: lessons learned across projects."""

from __future__ import annotations

from typing import Annotated

import typer

from keystage.cli.common import django_setup, fail

lessons_app = typer.Typer(help="Lessons learned of past projects.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach the `lessons` command group to the `keystage` command."""
    app.add_typer(lessons_app, name="lessons")


@lessons_app.command("search")
def search_command(
    words: Annotated[str, typer.Argument(help='What to look for, e.g. "vendor delay".')],
    user: Annotated[
        str,
        typer.Option(
            "--user", metavar="NAME", help="Search as this user: only projects they may see."
        ),
    ] = "",
) -> None:
    """Print the lessons that match WORDS, best first: as --user sees them, or (without
    --user, for the operator) of every project."""
    django_setup()
    from keystage.accounts.models import User
    from keystage.closing.models import Lesson
    from keystage.closing.review.search import lesson_search, lesson_search_as_system
    from keystage.core.errors import InvalidInput

    if not words.strip():
        fail('give the words to search for, e.g. keystage lessons search "vendor delay"', code=2)
    who = None
    if user:
        who = User.objects.filter(username=user.strip(), is_active=True).first()
        if who is None:
            fail(f"no active user '{user}'", code=2)
    try:
        found: list[Lesson] = (
            lesson_search(who=who, q=words) if who else lesson_search_as_system(q=words)
        )
    except InvalidInput as exc:
        fail(" ".join(str(m) for ms in exc.errors.values() for m in ms), code=2)
    if not found:
        typer.echo("No lessons found.")
        return
    for lesson in found:
        tags = f" [{', '.join(lesson.tag_list)}]" if lesson.tags else ""
        typer.echo(
            f"{lesson.project.code}  {lesson.get_category_display()} · "
            f"{lesson.get_stage_display()}  {lesson.title}{tags}"
        )
        typer.echo(f"    → {' '.join(lesson.recommendation.split())[:200]}")
    typer.echo(f"{len(found)} lesson{'s' if len(found) != 1 else ''}.")
