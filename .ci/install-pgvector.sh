#!/usr/bin/env bash
# PostgreSQL 15 from apt and pgvector built from Debian trixie's source package (Debian 12 has no pgvector binary).
# The source comes through a private apt configuration derived from this machine's own sources, so the system's
# package lists stay untouched. Idempotent: does nothing when the extension is already installed.
set -euo pipefail
pg_config=/usr/lib/postgresql/15/bin/pg_config
need=""
[ -x /usr/lib/postgresql/15/bin/initdb ] || need="$need postgresql-15"
[ -f /usr/include/postgresql/15/server/postgres.h ] || need="$need postgresql-server-dev-15"
command -v make >/dev/null && command -v gcc >/dev/null || need="$need build-essential"
command -v dpkg-source >/dev/null || need="$need dpkg-dev"
if [ -n "$need" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null; fi
[ -f "$("$pg_config" --sharedir)/extension/vector.control" ] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sources" "$work/lists/partial" "$work/cache/archives/partial"
# The first deb822 stanza of the machine's Debian sources, turned into a deb-src entry for trixie.
awk 'BEGIN{RS=""; ORS="\n\n"} NR==1' /etc/apt/sources.list.d/debian.sources \
  | sed -e 's/^Types:.*/Types: deb-src/' -e 's/^Suites:.*/Suites: trixie/' > "$work/sources/trixie-src.sources"
cat > "$work/apt.conf" <<CONF
Dir::Etc::SourceParts "$work/sources";
Dir::Etc::SourceList "/dev/null";
Dir::State::Lists "$work/lists";
Dir::Cache "$work/cache";
APT::Sandbox::User "root";
CONF
apt-get -c "$work/apt.conf" update -qq
(cd "$work" && apt-get -c "$work/apt.conf" source --download-only pgvector >/dev/null && dpkg-source -x pgvector_*.dsc src >/dev/null)
make -s -C "$work/src" PG_CONFIG="$pg_config" >/dev/null
make -s -C "$work/src" PG_CONFIG="$pg_config" install >/dev/null
echo "pgvector installed: $(cat "$work/src/vector.control" | grep default_version)"
