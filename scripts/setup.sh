#!/usr/bin/env bash
# Set-up shared by `make demo` and `make test`: system packages, the virtual environment,
# the Python packages. Safe and quick to run again: it only does what is not done yet.
#   scripts/setup.sh          what the portal needs
#   scripts/setup.sh --test   and what the test suite needs (MariaDB Connector/ODBC, Debian's Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1
PYTHON=${PYTHON:-python3}
VENV=.venv

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[1;31mSet-up stopped: %s\033[0m\n' "$*" >&2; exit 1; }

# --- Python 3.11 or newer ------------------------------------------------------------------
command -v "$PYTHON" >/dev/null || fail "no '$PYTHON' found. Install Python 3.11 or newer (Debian/Ubuntu: apt-get install python3 python3-venv)."
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || fail "$("$PYTHON" --version) is too old: the portal needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)."

# --- system packages: unixODBC, the SQLite ODBC driver (the demo MAS company), and for the
# tests MariaDB Connector/ODBC (the second MAS driver the gateway and pull tests run through) and Chromium
MARIADB_ODBC="MariaDB Unicode"  # the name odbc-mariadb registers with unixODBC
missing=()
if [[ ! -d $VENV ]] && ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then missing+=(python3-venv); fi
{ command -v odbcinst >/dev/null && compgen -G '/usr/lib/*/libodbc.so.2' >/dev/null; } || missing+=(unixodbc)
odbcinst -q -d -n SQLite3 >/dev/null 2>&1 || missing+=(libsqliteodbc)
if (( want_test )) && ! odbcinst -q -d -n "$MARIADB_ODBC" >/dev/null 2>&1; then missing+=(odbc-mariadb); fi
if (( want_test )) && [[ ! -x /usr/bin/chromium ]]; then missing+=(chromium); fi

if (( ${#missing[@]} )); then
  if [[ $(id -u) -eq 0 ]]; then apt=(apt-get)
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then apt=(sudo apt-get)
  else
    fail "these system packages are missing: ${missing[*]}
  Install them as root, then run this again:
    apt-get install -y ${missing[*]}"
  fi
  command -v apt-get >/dev/null || fail "missing system packages (${missing[*]}) and no apt-get to install them with."
  say "Installing system packages: ${missing[*]}"
  "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "${missing[@]}" >/dev/null
  odbcinst -q -d -n SQLite3 >/dev/null 2>&1 \
    || fail "the SQLite3 ODBC driver is still not registered with unixODBC (odbcinst -q -d -n SQLite3)."
  if (( want_test )); then
    odbcinst -q -d -n "$MARIADB_ODBC" >/dev/null 2>&1 \
      || fail "the MariaDB ODBC driver is still not registered with unixODBC (odbcinst -q -d -n \"$MARIADB_ODBC\")."
  fi
fi

# --- virtual environment and Python packages ---------------------------------------------
if [[ ! -x $VENV/bin/python ]]; then
  say "Creating the virtual environment in $VENV"
  "$PYTHON" -m venv "$VENV"
fi
reqs=requirements.txt
(( want_test )) && reqs=requirements-test.txt
stamp="$VENV/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$(basename $reqs .txt)"
if [[ ! -e $stamp ]]; then
  say "Installing Python packages from $reqs"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs"
  rm -f "$VENV"/.installed-*
  touch "$stamp"
  # A test install covers the runtime one too.
  (( want_test )) && touch "${stamp%-requirements-test}-requirements"
fi
say "Set-up is complete"
