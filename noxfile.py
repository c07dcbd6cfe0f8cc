"""Developer commands: ``nox -s docs``, ``nox -s tests``, ``nox -s lint``, ``nox -s serve``,
``nox -s bench``."""

import nox

nox.options.sessions = ["lint", "docs", "tests"]
nox.options.reuse_existing_virtualenvs = True

QUIET_ENV = {
    # Every MkDocs 1.x build prints an end-of-life banner; it is noise here.
    "NO_MKDOCS_2_WARNING": "1",
    # The tests and the notebook multiply small matrices: one BLAS thread does it fastest. With
    # a thread per core, a busy machine spends most of its time in threads spinning (measured on
    # a loaded 2-core box: a 64x64 @ 64x128 product took 480 us instead of 20 us).
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into site/; any warning (broken link, anchor, snippet) fails the build."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site", env=QUIET_ENV)


@nox.session
def serve(session: nox.Session) -> None:
    """Live preview on http://127.0.0.1:8000 while you edit docs/ or src/."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", env=QUIET_ENV)


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests, torch-parity tests, and every docs code block (under picotorch and torch)."""
    session.install("-e", ".[test,docs]")
    session.run("pytest", *session.posargs, env=QUIET_ENV)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and mypy on src/picotorch."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """picotorch vs torch vs NumPy, in fresh processes; a full run writes benchmarks/results.json.

    ``nox -s bench -- --quick --only W1,W3`` for a smoke run (see benchmarks/run.py).
    """
    session.install("-e", ".[test]")
    session.run("python", "-m", "benchmarks.run", *session.posargs)
