# The two commands of the README. Both set up what they need first (scripts/setup.sh).
.PHONY: demo test

demo:
	@bash scripts/setup.sh
	@bash scripts/demo.sh

test:
	@bash scripts/setup.sh --test
	@.venv/bin/python -m pytest $(PYTEST_ARGS)
