#!/bin/sh
# What the tests and the other make targets need beyond g++, make and
# python3, and how to get it. The programs themselves need nothing more.
#
#   tests/deps.sh check GROUP...     says what is missing; exit 1 if anything is
#   tests/deps.sh install GROUP...   installs what is missing (apt-get, as root
#                                    or through `sudo -n`), or stops with one
#                                    line naming the command to run
#
# `make test` runs `install test` before it compiles anything, so a fresh
# Debian, Ubuntu or WSL machine gets doctest and Go on the first `make test`
# instead of a compiler error about a missing header. `make deps` runs the
# same install on its own, and CI installs through it too (.ci/run).
#
# A need is probed by what it provides (the header compiles, the command
# runs), not by the package's name, so a Go installed by other means counts.
#
# Groups, and the Debian package for each need:
#   test   doctest-dev  (doctest/doctest.h: the unit tests' framework)
#          golang-go    (go: builds the Go peer of the interoperability tests)
#   fuzz   clang, libclang-rt-14-dev  (libFuzzer, for make fuzz)
#   proof  git          (applies the exercises' reference patches)
#   netns  iproute2     (ip: network namespaces, for make demo-netns)
#   wire   tshark       (tshark, dumpcap, text2pcap: the dissector's tests,
#                        make capture)
#          strace       (make trace)
set -eu

CXX=${CXX:-g++}

# One line per need of GROUP: "package|what it is for|probe command".
needs_of() {
  case "$1" in
    test)
      echo "doctest-dev|the unit tests' framework, doctest/doctest.h|echo '#include <doctest/doctest.h>' | $CXX -std=c++20 -E -x c++ - >/dev/null 2>&1"
      echo "golang-go|the Go peer of the interoperability tests|command -v go >/dev/null 2>&1"
      ;;
    fuzz)
      echo "clang|the compiler of the fuzz harnesses|command -v clang++ >/dev/null 2>&1"
      echo "libclang-rt-14-dev|libFuzzer's runtime|echo 'int main(){}' | clang++ -fsanitize=fuzzer-no-link,address -x c++ - -o /dev/null >/dev/null 2>&1"
      ;;
    proof) echo "git|applies the exercises' reference patches|command -v git >/dev/null 2>&1" ;;
    netns) echo "iproute2|ip, which makes the network namespaces|command -v ip >/dev/null 2>&1" ;;
    wire)
      echo "tshark|tshark, dumpcap and text2pcap, for the dissector's tests and make capture|command -v tshark >/dev/null 2>&1 && command -v dumpcap >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1"
      echo "strace|the system call traces of make trace|command -v strace >/dev/null 2>&1"
      ;;
    *)
      echo "tests/deps.sh: unknown group '$1' (groups: test fuzz proof netns wire)" >&2
      exit 2
      ;;
  esac
}

# Sets $missing (package names) and $reasons ("package (what for), ...").
find_missing() {
  missing="" reasons=""
  for group in "$@"; do
    needs=$(needs_of "$group")
    # Read from a here-document, not a pipe, so the loop's variables survive.
    while IFS='|' read -r package reason probe; do
      [ -n "$package" ] || continue
      case " $missing " in *" $package "*) continue ;; esac
      if ! sh -c "$probe"; then
        missing="${missing:+$missing }$package"
        reasons="${reasons:+$reasons, }$package ($reason)"
      fi
    done <<EOF
$needs
EOF
  done
}

# How this user can run apt-get: directly as root, through sudo without a
# password prompt, or not at all (prints nothing then).
privilege() {
  if [ "$(id -u)" = 0 ]; then
    echo "root"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    echo "sudo -n"
  fi
}

install_missing() {
  how=$(privilege)
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: $reasons. This is not a Debian or Ubuntu system: install them with your package manager, then run make again." >&2
    exit 1
  fi
  if [ -z "$how" ]; then
    echo "Missing: $reasons. Install them with: sudo apt-get install $missing" >&2
    exit 1
  fi
  runner=""
  [ "$how" = root ] || runner="sudo -n"
  echo "Installing with apt-get: $reasons"
  # A fresh machine may have no package lists yet: fetch them first.
  $runner env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  if ! $runner env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
    echo "apt-get could not install $missing; try by hand: sudo apt-get install $missing" >&2
    exit 1
  fi
  find_missing "$@"
  if [ -n "$missing" ]; then
    echo "Installed, but still missing: $reasons" >&2
    exit 1
  fi
}

if [ $# -lt 2 ]; then
  echo "usage: tests/deps.sh check|install GROUP... (groups: test fuzz proof netns wire)" >&2
  exit 2
fi
action=$1
shift
find_missing "$@"
[ -z "$missing" ] && exit 0
case "$action" in
  check)
    echo "Missing: $reasons. Install them with: sudo apt-get install $missing" >&2
    exit 1
    ;;
  install) install_missing "$@" ;;
  *)
    echo "usage: tests/deps.sh check|install GROUP..." >&2
    exit 2
    ;;
esac
