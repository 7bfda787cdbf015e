#!/usr/bin/env bash
# Set up (once) and run the whole test suite, including the end-to-end scorer run against
# a real uvicorn (needs ../shared beside the repository). Extra arguments go to pytest.
EXTRAS="[test]" source "$(dirname "$0")/venv.sh"
exec .venv/bin/python -m pytest "$@"
