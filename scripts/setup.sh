#!/usr/bin/env bash
# Installs what Vigil needs on Debian 12: libzmq and SQLite (C libraries and headers), and the
# Python packages the tests use as independent peers (pyzmq) and references (shapely, pyproj, pytest);
# libjs-leaflet for the console; with VIGIL_SETUP_TESTS=1 (make test) promtool, Chromium and etcd for the tests.
# Swift itself (6.x) must already be on PATH.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_apt=()
pkg-config --exists libzmq 2>/dev/null || need_apt+=(libzmq3-dev)
[ -e /usr/include/sqlite3.h ] || need_apt+=(libsqlite3-dev)   # the alert journal
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
[ -e /usr/share/zoneinfo/Asia/Baghdad ] || need_apt+=(tzdata)   # rules.yaml schedules: the site time zone
[ -e /usr/share/javascript/leaflet/leaflet.js ] || need_apt+=(libjs-leaflet)   # the console's map, served by vigild
if [ "${VIGIL_SETUP_TESTS:-0}" = 1 ]; then   # make test: /metrics checked by promtool, the console in a real browser
  command -v promtool >/dev/null || need_apt+=(prometheus)
  command -v chromium >/dev/null || need_apt+=(chromium)
  command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
  [ -x /usr/bin/etcd ] || need_apt+=(etcd-server)   # the cluster's election, against a real etcd
fi
if [ "${VIGIL_SETUP_BENCH:-0}" = 1 ]; then   # make bench: vigil-bench instructions counts with callgrind
  command -v valgrind >/dev/null || need_apt+=(valgrind)
  command -v strip >/dev/null || need_apt+=(binutils)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} from Debian" >&2
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need_apt[@]}"
fi

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import zmq, shapely, pyproj, pytest, lxml, selenium, bcrypt' 2>/dev/null; then
  echo "setup: installing pyzmq, shapely, pyproj, pytest, lxml, selenium, bcrypt from PyPI" >&2
  if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q python3-pip
  fi
  "$PYTHON" -m pip install -q pyzmq shapely pyproj pytest lxml selenium bcrypt 2>/dev/null \
    || "$PYTHON" -m pip install -q --break-system-packages pyzmq shapely pyproj pytest lxml selenium bcrypt
fi
