"""The `lianxin` command (`python -m lianxin`, or the `lianxin` script): Flask's CLI around
the app factory, with the platform's own commands (`lianxin.cli`) registered by the app."""

from flask.cli import FlaskGroup

from lianxin.app import create_app


def main() -> None:
    FlaskGroup(create_app=lambda: create_app(), help="连心 Lianxin")(prog_name="lianxin")


if __name__ == "__main__":
    main()
